using Microsoft.ML.OnnxRuntime;

namespace Cekura.Speech.VoiceActivity.Silero;

/// <summary>
/// Silero VAD v5/v6 (16 kHz) on ONNX Runtime. One <see cref="InferenceSession"/> is shared by all streams
/// (<c>Run</c> is thread-safe); the recurrent state and the audio context live in each stream.
/// <para>Each stream holds a lease on the session, and the session is released when the detector is disposed and
/// the last stream is done. A host that stops while a call is still being analysed disposes its singletons under
/// the running stream; freeing the native session there would crash the process inside ONNX Runtime.</para>
/// </summary>
public sealed class SileroVoiceActivityDetector : IVoiceActivityDetector, IDisposable
{
    internal const string EmbeddedModel = "Cekura.Speech.VoiceActivity.Silero.silero_vad.onnx";

    private readonly InferenceSession session;
    private readonly double silenceGateDb;
    private readonly Lock gate = new();
    private int leases;
    private bool disposed;

    private SileroVoiceActivityDetector(InferenceSession session, double silenceGateDb)
    {
        this.session = session;
        this.silenceGateDb = silenceGateDb;
    }

    public string Name => "silero";

    /// <summary>Loads <paramref name="modelPath"/>, or the embedded model when it is null or empty.</summary>
    /// <param name="modelPath">A Silero v5/v6 16 kHz ONNX file; null or empty for the embedded one.</param>
    /// <param name="silenceGateDb">Windows under this level (RMS, dBFS) score 0 without running the model (see
    /// <see cref="VoiceActivityOptions.SilenceGateDb"/>); -120 or less runs the model on every window.</param>
    /// <exception cref="InvalidOperationException">The model cannot be loaded or does not have v5's inputs.</exception>
    public static SileroVoiceActivityDetector Load(string? modelPath, double silenceGateDb = VoiceActivityOptions.DefaultSilenceGateDb)
    {
        // One intra-op thread: a 512-sample window is too small to split, and several calls run side by side.
        using var sessionOptions = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        InferenceSession session;
        try
        {
            session = string.IsNullOrWhiteSpace(modelPath)
                ? new InferenceSession(ReadEmbeddedModel(), sessionOptions)
                : new InferenceSession(modelPath, sessionOptions);
        }
        catch (Exception e) when (e is OnnxRuntimeException or IOException or DllNotFoundException
            or TypeInitializationException or EntryPointNotFoundException or BadImageFormatException)
        {
            throw new InvalidOperationException($"the Silero VAD model could not be loaded ({e.Message})", e);
        }
        string[] expected = ["input", "state", "sr"];
        if (!expected.All(session.InputMetadata.ContainsKey) || !session.OutputMetadata.ContainsKey("stateN"))
        {
            var inputs = string.Join(", ", session.InputMetadata.Keys);
            session.Dispose();
            throw new InvalidOperationException(
                $"the model is not Silero VAD v5/v6 (inputs: {inputs}; expected input, state, sr and output stateN)");
        }
        return new SileroVoiceActivityDetector(session, silenceGateDb);
    }

    /// <exception cref="ObjectDisposedException">The detector was disposed.</exception>
    public IVoiceActivityStream CreateStream()
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            leases++;
        }
        try
        {
            return new Stream(session, silenceGateDb, Release);
        }
        catch
        {
            Release();
            throw;
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }
            disposed = true;
            if (leases > 0)
            {
                return;
            }
        }
        session.Dispose();
    }

    private void Release()
    {
        lock (gate)
        {
            leases--;
            if (!disposed || leases > 0)
            {
                return;
            }
        }
        session.Dispose();
    }

    private static byte[] ReadEmbeddedModel()
    {
        using var resource = typeof(SileroVoiceActivityDetector).Assembly.GetManifestResourceStream(EmbeddedModel)
            ?? throw new IOException($"resource {EmbeddedModel} is missing from the assembly");
        using var copy = new MemoryStream();
        resource.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>
    /// One channel. The model sees 576 samples per call: the last 64 samples of the previous window (context, which
    /// the v5 export expects the caller to carry) followed by the 512 new ones. Tensors wrap arrays allocated once,
    /// so a window costs no allocation. A window under the silence gate is not shown to the model; the first window
    /// after a run of them starts from the initial state, with the real preceding samples as context.
    /// </summary>
    private sealed class Stream : IVoiceActivityStream
    {
        private const int Context = 64;
        private static readonly IReadOnlyList<string> InputNames = ["input", "state", "sr"];
        private static readonly IReadOnlyList<string> OutputNames = ["output", "stateN"];

        private readonly InferenceSession session;
        private readonly float[] input = new float[Context + VoiceActivityWindow.Samples];
        private readonly float[] state = new float[2 * 1 * 128];
        private readonly float[] nextState = new float[2 * 1 * 128];
        private readonly float[] probability = new float[1];
        private readonly OrtValue[] inputs;
        private readonly OrtValue[] outputs;
        private readonly RunOptions runOptions = new();
        private readonly double silenceGateDb;
        private readonly Action release;
        private bool skipped;
        private bool disposed;

        public Stream(InferenceSession session, double silenceGateDb, Action release)
        {
            this.session = session;
            this.silenceGateDb = silenceGateDb;
            this.release = release;
            inputs =
            [
                OrtValue.CreateTensorValueFromMemory(input, [1, input.Length]),
                OrtValue.CreateTensorValueFromMemory(state, [2, 1, 128]),
                OrtValue.CreateTensorValueFromMemory(new long[] { VoiceActivityWindow.SampleRate }, []),
            ];
            outputs =
            [
                OrtValue.CreateTensorValueFromMemory(probability, [1, 1]),
                OrtValue.CreateTensorValueFromMemory(nextState, [2, 1, 128]),
            ];
        }

        public float Process(ReadOnlySpan<float> window)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (window.Length != VoiceActivityWindow.Samples)
            {
                throw new ArgumentException($"a window is {VoiceActivityWindow.Samples} samples, not {window.Length}", nameof(window));
            }
            if (IsUnderGate(window))
            {
                skipped = true;
                window[^Context..].CopyTo(input);
                return 0;
            }
            if (skipped)
            {
                // The state the model would have reached over the silence is that of silence; the initial state is the
                // model's own start of a stream, which it was trained to begin from.
                Array.Clear(state);
                skipped = false;
            }
            window.CopyTo(input.AsSpan(Context));
            session.Run(runOptions, InputNames, inputs, OutputNames, outputs);
            nextState.CopyTo(state, 0);
            window[^Context..].CopyTo(input);
            return probability[0];
        }

        // The level as the analyzer and the segmenter measure it; -120 dB is its floor (digital silence), so a gate at
        // or under it never closes.
        private bool IsUnderGate(ReadOnlySpan<float> window) => NoiseFloor.Decibels(window) < silenceGateDb;

        public void Dispose()
        {
            if (disposed)
            {
                return;
            }
            disposed = true;
            foreach (var value in inputs)
            {
                value.Dispose();
            }
            foreach (var value in outputs)
            {
                value.Dispose();
            }
            runOptions.Dispose();
            release();
        }
    }
}
