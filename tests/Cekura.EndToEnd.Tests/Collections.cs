using Cekura.TestSupport;

namespace Cekura.EndToEnd.Tests;

// Every test that talks to the broker sits in this one collection: the stage queues have fixed names, so two
// hosts consuming them at the same time would take each other's messages.
[CollectionDefinition(RabbitMqFixture.Collection)]
public sealed class RabbitMqCollection : ICollectionFixture<RabbitMqFixture>, ICollectionFixture<S3Fixture>;
