using Cekura.Contracts.Calls;
using Cekura.Contracts.Messages;
using Cekura.Hosting.Calls;
using Cekura.Hosting.Options;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Storage.Blobs;
using Cekura.Hosting.Storage.Protection;
using Cekura.Hosting.Storage.Sqlite;
using Cekura.Hosting.Telemetry;
using Cekura.Redaction.Recognizers;
using Cekura.Redaction.Tests.Transcripts;
using Cekura.Speech.Audio;
using Cekura.TestSupport.Audio;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cekura.Redaction.Tests.Stage;

/// <summary>
/// The redaction consumer on MassTransit's test harness, with the real SQLite call store and the local blob store:
/// what the stage saves, which blobs exist afterwards, and what a redelivery does.
/// </summary>
public sealed class RedactionStageTests : IAsyncLifetime
{
    private const long ProjectId = 7;
    private const string Card = "4111 1111 1111 1111";

    private readonly string _directory = Directory.CreateTempSubdirectory("cekura-redaction-stage-").FullName;
    private readonly CallAudioGenerator _generator = new();
    private readonly FlakyBlobStore _blobs;
    private ServiceProvider _provider = null!;
    private ITestHarness _harness = null!;

    public RedactionStageTests() => _blobs = new FlakyBlobStore(new LocalBlobStore(Path.Combine(_directory, "blobs")));

    private string BlobDirectory => Path.Combine(_directory, "blobs", "recordings", ProjectId.ToString());

    private ICallStore Store => _provider.GetRequiredService<ICallStore>();

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Redaction:CreditsPerMinute"] = "0.5",
        }).Build();
        var services = new ServiceCollection()
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(TimeProvider.System)
            .AddSingleton(new SqliteDatabase(Path.Combine(_directory, "calls.db")))
            // The stores as production wires them: calls awaiting redaction are sealed under their own data key.
            .AddSingleton<IDataKeyStore>(new SqliteDataKeyStore(Path.Combine(_directory, "keys.db")))
            .AddSingleton<SqliteCallStore>()
            .AddSingleton<ICallOutbox>(sp => sp.GetRequiredService<SqliteCallStore>())
            .AddSingleton<ICallStore>(sp => new SealingCallStore(sp.GetRequiredService<SqliteCallStore>(), sp.GetRequiredService<IDataKeyStore>()))
            .AddSingleton<IBlobStore>(sp => new SealingBlobStore(_blobs, sp.GetRequiredService<IDataKeyStore>()))
            .AddSingleton<CallLogWriter>()
            .AddSingleton(Options.Create(new OutboxOptions()))
            .AddSingleton<TimedPublisher>()
            .AddSingleton<PublishConfirmations>()
            .AddScoped<CallEventPublisher>()
            .AddScoped<CallStageRunner>()
            .AddCekuraMetrics()
            // The mechanics under test do not depend on detection quality: a recognizer of known values stands in.
            .AddSingleton<IPiiRecognizer>(new KnownValuesRecognizer((Card, "credit_card"), ("John Smith", "person_name")));
        services.AddRedactionStage();
        services.AddMassTransitTestHarness(x => x.AddConsumer<CallTranscribedConsumer>());
        _provider = services.BuildServiceProvider(validateScopes: true);
        _harness = _provider.GetRequiredService<ITestHarness>();
        await _harness.Start();
    }

    public async Task DisposeAsync()
    {
        await _harness.Stop();
        await _provider.DisposeAsync();
        _generator.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_call_without_redact_fields_passes_on_unchanged_and_unmetered()
    {
        var call = await InsertAsync(await StereoCallAsync(), redactFields: []);

        var done = await DeliverAsync(call.Id, c => c.Stage == CallStage.Redacted);

        Assert.Equal(call.TranscriptObject, done.TranscriptObject);
        Assert.Equal(call.Recording, done.Recording);
        Assert.Null(done.RedactionUsage);
        Assert.Null(done.Redaction);
        Assert.True(await _harness.Published.Any<CallRedacted>(m => m.Context.Message.CallLogId == call.Id));
    }

    [Fact]
    public async Task A_redacted_call_gets_placeholders_a_masked_recording_under_a_fixed_key_and_its_usage()
    {
        var call = await InsertAsync(await StereoCallAsync(), redactFields: ["credit_card", "person_name"]);
        var original = call.Recording!.BlobKey;

        var done = await DeliverAsync(call.Id, c => c.Stage == CallStage.Redacted && c.PendingRecordingDeletion is null && c.PendingKeyDestruction is null);

        Assert.Equal("This is John Smith.", call.TranscriptObject[0].Content);
        // Crypto-shredding: stored in the clear now, the data key gone, and no file of the stores holds the name.
        Assert.Null(done.DataKeyId);
        Assert.Null(await _provider.GetRequiredService<IDataKeyStore>().GetAsync(call.DataKeyId!, CancellationToken.None));
        Assert.DoesNotContain(Directory.GetFiles(_directory, "*", SearchOption.AllDirectories),
            f => File.ReadAllBytes(f).AsSpan().IndexOf("John Smith"u8) >= 0);
        Assert.Equal(["This is <PERSON_NAME>.", $"Thanks. What is the card number?", "It is <CREDIT_CARD>."],
            done.TranscriptObject.Select(e => e.Content));
        Assert.Equal($"recordings/{ProjectId}/{call.Id}-redacted.wav", done.Recording!.BlobKey);
        Assert.Equal(new FileInfo(Path.Combine(_directory, "blobs", done.Recording.BlobKey)).Length, done.Recording.SizeBytes);
        Assert.Equal([Path.GetFileName(done.Recording.BlobKey)], Directory.GetFiles(BlobDirectory).Select(Path.GetFileName));
        Assert.Null(await _blobs.OpenReadAsync(original, CancellationToken.None));
        Assert.Equal(new RedactionSummary { TranscriptSpans = 2, FunctionCallSpans = 0, AudioWindows = 2, AudioMask = "silence" }, done.Redaction);
        // 7.x s → 0.2 min (rounded up to the tenth) at 0.5 credits a minute.
        Assert.Equal(new RedactionUsage(Math.Ceiling(call.DurationSeconds!.Value / 6) / 10, Math.Ceiling(call.DurationSeconds!.Value / 6) / 20), done.RedactionUsage);

        // The caller's channel (1) is silent where the card number was said; the agent's channel is not touched.
        var masked = await DecodeAsync(Path.Combine(_directory, "blobs", done.Recording.BlobKey));
        var turn = call.TranscriptObject[2];
        var cardStart = turn.StartTime!.Value + (turn.EndTime!.Value - turn.StartTime.Value) * 6 / turn.Content.Length;
        Assert.All(Slice(masked[1], cardStart + 0.3, turn.EndTime.Value - 0.3), s => Assert.Equal(0f, s));
        Assert.Contains(Slice(masked[0], 0, masked[0].Length / 16000.0), s => s != 0f);
    }

    [Fact]
    public async Task A_crash_between_saving_the_call_and_deleting_the_original_is_finished_by_the_redelivery()
    {
        var call = await InsertAsync(await StereoCallAsync(), redactFields: ["credit_card"]);
        var original = call.Recording!.BlobKey;
        _blobs.FailDeletes = 1;

        var saved = await DeliverAsync(call.Id, c => c.Stage == CallStage.Redacted);
        Assert.True(await _harness.Published.Any<Fault<CallTranscribed>>());
        Assert.Equal(original, saved.PendingRecordingDeletion);
        Assert.NotNull(await ReadAsync(original));

        var finished = await DeliverAsync(call.Id, c => c.PendingRecordingDeletion is null);

        Assert.Null(await ReadAsync(original));
        Assert.Equal(saved.Recording, finished.Recording);
        Assert.Equal(saved.TranscriptObject, finished.TranscriptObject);
        Assert.Single(Directory.GetFiles(BlobDirectory));
    }

    [Fact]
    public async Task Redacting_the_same_call_twice_before_it_is_saved_overwrites_one_redacted_blob()
    {
        var call = await InsertAsync(await StereoCallAsync(), redactFields: ["credit_card"]);
        using var scope = _provider.CreateScope();
        var redactor = scope.ServiceProvider.GetRequiredService<CallRedactor>();

        var first = await redactor.RedactAsync(call, CancellationToken.None);
        var second = await redactor.RedactAsync(call, CancellationToken.None);

        Assert.Equal(first.Apply!(call).Recording, second.Apply!(call).Recording);
        // The sealed original and one redacted copy.
        Assert.Equal(2, Directory.GetFiles(Path.Combine(_directory, "blobs"), "*", SearchOption.AllDirectories).Length);
        Assert.NotNull(await ReadAsync(call.Recording!.BlobKey));
        Assert.NotNull(await ReadAsync(CallRedactor.RedactedKey(call)));
    }

    [Fact]
    public async Task A_recording_that_cannot_be_masked_fails_the_call_and_keeps_the_transcript_unredacted_and_withheld()
    {
        var call = await InsertAsync(await StereoCallAsync(), redactFields: ["credit_card"]);
        await using (var garbage = new MemoryStream("RIFF0000WAVEgarbage"u8.ToArray()))
        {
            await _provider.GetRequiredService<IBlobStore>().PutAsync(call.Recording!.BlobKey, garbage, garbage.Length, "audio/wav", CancellationToken.None);
        }

        var failed = await DeliverAsync(call.Id, c => c.Stage == CallStage.Failed);

        // The stored facts describe the WAV ingest checked, so no probe runs; the re-encode is what finds the damage.
        Assert.StartsWith("The recording could not be redacted: the recording could not be re-encoded with its redactions", failed.ErrorMessage);
        Assert.Equal(call.TranscriptObject, failed.TranscriptObject);
        Assert.Equal(call.Recording, failed.Recording);
        Assert.Null(failed.Redaction);
    }

    [Fact]
    public async Task A_type_no_recognizer_can_find_stops_the_call_instead_of_passing_it_unredacted()
    {
        var call = await InsertAsync(await StereoCallAsync(), redactFields: ["credit_card", "passport_number"]);

        var failed = await DeliverAsync(call.Id, c => c.Stage == CallStage.Failed);

        Assert.Equal("PII redaction of passport_number is not available on this server; the transcript and recording stay withheld.", failed.ErrorMessage);
        Assert.Equal(call.TranscriptObject, failed.TranscriptObject);
        Assert.NotNull(await ReadAsync(call.Recording!.BlobKey));
    }

    private sealed record Generated(GeneratedCall Audio, IReadOnlyList<TranscriptEntry> Transcript);

    /// <summary>Agent on channel 0, caller on channel 1; the caller says a name and, later, a card number.</summary>
    private async Task<Generated> StereoCallAsync()
    {
        string[] lines = ["This is John Smith.", "Thanks. What is the card number?", $"It is {Card}."];
        var audio = await _generator.GenerateAsync(new CallScript
        {
            AgentChannel = 0,
            Turns = [ScriptTurn.Say(Party.Caller, 0.3, lines[0]), ScriptTurn.Say(Party.Agent, 2.0, lines[1]), ScriptTurn.Say(Party.Caller, 4.2, lines[2])],
        });
        var caller = audio.CallerSpeaking;
        var agent = audio.AgentSpeaking;
        IReadOnlyList<TranscriptEntry> transcript =
        [
            new() { Role = TranscriptRoles.TestingAgent, Content = lines[0], StartTime = caller[0].Start, EndTime = caller[0].End },
            new() { Role = TranscriptRoles.MainAgent, Content = lines[1], StartTime = agent[0].Start, EndTime = agent[^1].End },
            new() { Role = TranscriptRoles.TestingAgent, Content = lines[2], StartTime = caller[1].Start, EndTime = caller[^1].End },
        ];
        return new Generated(audio, transcript);
    }

    /// <summary>Stores the call as ingest does: sealed under a new data key when it asks for redaction.</summary>
    private async Task<CallLog> InsertAsync(Generated generated, IReadOnlyList<string> redactFields)
    {
        var dataKeyId = redactFields.Count > 0 ? await _provider.GetRequiredService<IDataKeyStore>().CreateAsync(CancellationToken.None) : null;
        var key = $"recordings/{ProjectId}/{Guid.NewGuid():N}.wav";
        key = dataKeyId is null ? key : SealedBlobKeys.For(dataKeyId, key);
        var size = new FileInfo(generated.Audio.Path).Length;
        await using (var file = File.OpenRead(generated.Audio.Path))
        {
            await _provider.GetRequiredService<IBlobStore>().PutAsync(key, file, size, "audio/wav", CancellationToken.None);
        }
        return await Store.InsertAsync(new CallLog
        {
            OrganizationId = 1, ProjectId = ProjectId, CallId = Guid.NewGuid().ToString("N"), AgentId = 1,
            Timestamp = DateTimeOffset.UtcNow, TranscriptType = "cekura", CustomerNumber = "+14155550100",
            TranscriptObject = generated.Transcript, RedactFields = redactFields, Stage = CallStage.Transcribed, DataKeyId = dataKeyId,
            DurationSeconds = Math.Round(generated.Audio.DurationSeconds, 3),
            Recording = new CallRecording
            {
                BlobKey = key, ContentType = "audio/wav", Format = "wav", SizeBytes = size, Codec = "pcm_s16le",
                SampleRate = 16000, Channels = 2, DurationSeconds = generated.Audio.DurationSeconds,
            },
            RecordingData = new RecordingData
            {
                SampleRate = 16000, Channels = 2, TotalDuration = generated.Audio.DurationSeconds, SeparableChannels = true,
                MainAgentChannelIndex = 0, VoiceActivityDetector = "energy",
            },
        }, CancellationToken.None);
    }

    /// <summary>Publishes <see cref="CallTranscribed"/> and waits, with a deadline, until the stored call satisfies <paramref name="done"/>.</summary>
    private async Task<CallLog> DeliverAsync(long id, Func<CallLog, bool> done)
    {
        await _harness.Bus.Publish(new CallTranscribed { CallLogId = id, ProjectId = ProjectId });
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        CallLog? call = null;
        while (DateTime.UtcNow < deadline)
        {
            call = await Store.GetForWorkerAsync(id, CancellationToken.None);
            if (call is not null && done(call))
            {
                return call;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"Call {id} never reached the expected state; last stage {call?.Stage}, error {call?.ErrorMessage}");
    }

    private async Task<Stream?> ReadAsync(string key)
    {
        var stream = await _blobs.OpenReadAsync(key, CancellationToken.None);
        stream?.Dispose();
        return stream;
    }

    private static async Task<float[][]> DecodeAsync(string path)
    {
        var channels = new[] { new List<float>(), new List<float>() };
        await new Ffmpeg(new FfmpegOptions()).DecodeAsync(path, 16000, 2, block =>
        {
            for (var i = 0; i < block.Length; i++)
            {
                channels[i % 2].Add(block[i]);
            }
        }, CancellationToken.None);
        return [channels[0].ToArray(), channels[1].ToArray()];
    }

    private static float[] Slice(float[] samples, double from, double to) =>
        samples[Math.Clamp((int)(from * 16000), 0, samples.Length)..Math.Clamp((int)(to * 16000), 0, samples.Length)];

    /// <summary>The local blob store, with deletes that fail a given number of times (a crash after the call was saved).</summary>
    private sealed class FlakyBlobStore(IBlobStore inner) : IBlobStore
    {
        public int FailDeletes { get; set; }

        public Task PutAsync(string key, Stream content, long length, string contentType, CancellationToken cancellationToken) =>
            inner.PutAsync(key, content, length, contentType, cancellationToken);

        public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken) => inner.OpenReadAsync(key, cancellationToken);

        public Task DeleteAsync(string key, CancellationToken cancellationToken)
        {
            if (FailDeletes > 0)
            {
                FailDeletes--;
                throw new IOException("the blob store went away (simulated)");
            }
            return inner.DeleteAsync(key, cancellationToken);
        }

        public IAsyncEnumerable<StoredBlob> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);
    }
}
