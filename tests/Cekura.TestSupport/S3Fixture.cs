using Cekura.Hosting.Options;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;

namespace Cekura.TestSupport;

/// <summary>
/// An S3 server: a MinIO container where Docker is reachable (there is no Testcontainers.Minio package on the
/// feed, so the generic builder is used), else the s3rver at <c>CEKURA_TEST_S3_ENDPOINT</c> (keys S3RVER/S3RVER).
/// </summary>
public sealed class S3Fixture : ServerFixture
{
    public const string Collection = "S3";

    protected override string Name => "s3";

    private const int MinioPort = 9000;
    private IContainer? _container;

    /// <summary>host:port, plain HTTP.</summary>
    public string Endpoint { get; private set; } = "";
    public string AccessKey { get; private set; } = "S3RVER";
    public string SecretKey { get; private set; } = "S3RVER";

    private readonly List<HttpClient> _httpClients = [];

    /// <summary>
    /// An HTTP client for one store under test (Minio configures the client it is given, so stores cannot share one).
    /// s3rver answers ListObjects in an XML namespace of its own (<c>http://doc.s3.amazonaws.com/2006-03-01/</c>, where S3
    /// and MinIO send <c>http://s3.amazonaws.com/doc/2006-03-01/</c>), and Minio's client then reads an empty listing; this
    /// client puts the real namespace in. Other answers pass as they are.
    /// </summary>
    public HttpClient NewHttpClient()
    {
        var client = new HttpClient(new S3rverNamespace { InnerHandler = new HttpClientHandler() });
        lock (_httpClients)
        {
            _httpClients.Add(client);
        }
        return client;
    }

    public override async Task InitializeAsync()
    {
        string? dockerError = null;
        if (DockerAvailable)
        {
            try
            {
                _container = new ContainerBuilder("minio/minio:RELEASE.2023-01-31T02-24-19Z")
                    .WithCommand("server", "/data")
                    .WithEnvironment("MINIO_ROOT_USER", "minioadmin")
                    .WithEnvironment("MINIO_ROOT_PASSWORD", "minioadmin")
                    .WithPortBinding(MinioPort, assignRandomHostPort: true)
                    .WithWaitStrategy(Wait.ForUnixContainer()
                        .UntilHttpRequestIsSucceeded(r => r.ForPath("/minio/health/ready").ForPort(MinioPort)))
                    .Build();
                await _container.StartAsync();
                Endpoint = $"{_container.Hostname}:{_container.GetMappedPublicPort(MinioPort)}";
                (AccessKey, SecretKey) = ("minioadmin", "minioadmin");
                return;
            }
            catch (Exception e)
            {
                dockerError = $" (Testcontainers failed: {e.GetType().Name}: {e.Message})";
                await DisposeAsync();
            }
        }

        if (Environment("CEKURA_TEST_S3_ENDPOINT") is { } endpoint)
        {
            if (ParseEndpoint(endpoint) is not { } parsed)
            {
                SkipReason = $"S3 unavailable: needs CEKURA_TEST_S3_ENDPOINT as host:port, got '{endpoint}'{dockerError}";
                return;
            }
            if (!await CanConnectAsync(parsed.Host, parsed.Port))
            {
                SkipReason = $"S3 unavailable: needs the server at {endpoint} (CEKURA_TEST_S3_ENDPOINT) but it refused the connection{dockerError}";
                return;
            }
            Endpoint = endpoint;
            return;
        }
        SkipReason = "S3 unavailable: needs Docker for Testcontainers or CEKURA_TEST_S3_ENDPOINT "
            + $"(scripts/test.sh starts s3rver){dockerError}";
    }

    /// <summary>Blob store options for a new, randomly named bucket (created by the store on first use).</summary>
    public S3BlobOptions NewBucketOptions() => new()
    {
        Endpoint = Endpoint,
        AccessKey = AccessKey,
        SecretKey = SecretKey,
        Bucket = $"cekura-test-{Guid.NewGuid():N}",
        UseSsl = false,
    };

    public override async Task DisposeAsync()
    {
        lock (_httpClients)
        {
            _httpClients.ForEach(c => c.Dispose());
            _httpClients.Clear();
        }
        if (_container is not null)
        {
            await _container.DisposeAsync();
            _container = null;
        }
    }

    private sealed class S3rverNamespace : DelegatingHandler
    {
        private const string S3rver = "http://doc.s3.amazonaws.com/2006-03-01/";
        private const string Aws = "http://s3.amazonaws.com/doc/2006-03-01/";

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (mediaType?.EndsWith("xml", StringComparison.Ordinal) != true)
            {
                return response;
            }
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!text.Contains(S3rver, StringComparison.Ordinal))
            {
                return response;
            }
            response.Content = new StringContent(text.Replace(S3rver, Aws, StringComparison.Ordinal), System.Text.Encoding.UTF8, mediaType);
            return response;
        }
    }
}
