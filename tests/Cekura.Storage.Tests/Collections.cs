using Cekura.TestSupport;

namespace Cekura.Storage.Tests;

// xunit only finds collection definitions in the test assembly itself, so each test project declares the
// collections of the shared fixtures it uses.

[CollectionDefinition(MongoFixture.Collection)]
public sealed class MongoCollection : ICollectionFixture<MongoFixture>;

[CollectionDefinition(S3Fixture.Collection)]
public sealed class S3Collection : ICollectionFixture<S3Fixture>;
