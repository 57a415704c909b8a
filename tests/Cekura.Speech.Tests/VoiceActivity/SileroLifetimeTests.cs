using Cekura.Speech.VoiceActivity;
using Cekura.Speech.VoiceActivity.Silero;

namespace Cekura.Speech.Tests.VoiceActivity;

/// <summary>
/// A host that stops while a call is being analysed disposes the detector under a running stream. The native session
/// must outlive every stream, or ONNX Runtime reads freed memory and the whole process dies.
/// </summary>
public sealed class SileroLifetimeTests
{
    // These windows are silence: with the silence gate on, the model (whose lifetime is under test) would never run.
    private const double NoGate = -120;

    [Fact]
    public void A_stream_keeps_working_after_its_detector_is_disposed()
    {
        var detector = SileroVoiceActivityDetector.Load(null, NoGate);
        using var stream = detector.CreateStream();
        var silence = new float[VoiceActivityWindow.Samples];
        var before = stream.Process(silence);

        detector.Dispose();

        var after = stream.Process(silence);
        Assert.InRange(before, 0f, 1f);
        Assert.InRange(after, 0f, 1f);
        Assert.NotEqual(0f, after); // the model's sigmoid, not the gate's exact 0
    }

    [Fact]
    public void A_disposed_detector_refuses_new_streams_and_a_disposed_stream_refuses_windows()
    {
        var detector = SileroVoiceActivityDetector.Load(null, NoGate);
        var stream = detector.CreateStream();
        stream.Dispose();
        stream.Dispose();
        detector.Dispose();
        detector.Dispose();

        Assert.Throws<ObjectDisposedException>(() => detector.CreateStream());
        Assert.Throws<ObjectDisposedException>(() => stream.Process(new float[VoiceActivityWindow.Samples]));
    }

    [Fact]
    public async Task Streams_running_on_other_threads_while_the_detector_is_disposed_finish_their_windows()
    {
        var detector = SileroVoiceActivityDetector.Load(null, NoGate);
        using var started = new CountdownEvent(4);
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            using var stream = detector.CreateStream();
            var window = new float[VoiceActivityWindow.Samples];
            started.Signal();
            var last = 0f;
            for (var i = 0; i < 200; i++)
            {
                last = stream.Process(window);
            }
            return last;
        })).ToArray();
        Assert.True(started.Wait(TimeSpan.FromSeconds(30)), "the streams did not start");

        detector.Dispose();

        foreach (var probability in await Task.WhenAll(workers))
        {
            Assert.InRange(probability, 0f, 1f);
        }
    }
}
