using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Cekura.Ingest.Webhooks;
using Microsoft.AspNetCore.Http;

namespace Cekura.Ingest.Tests.Webhooks;

public sealed class WebhookBodyTests
{
    [Fact]
    public async Task A_body_of_declared_length_is_read_into_one_array_of_that_length_and_nothing_more()
    {
        var payload = RandomNumberGenerator.GetBytes(4 << 20);
        var request = Request(payload, declareLength: true);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var body = await WebhookBody.ReadAsync(request, CancellationToken.None);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(MemoryMarshal.TryGetArray(body, out var segment));
        Assert.Equal(payload.Length, segment.Array!.Length);
        // One copy of the body; growing a buffer and copying it out (what this replaced) takes three or more.
        Assert.InRange(allocated, payload.Length, payload.Length + 64 * 1024);
        Assert.Equal(payload, body.ToArray());
    }

    [Fact]
    public async Task A_body_without_a_declared_length_is_read_whole_without_a_final_copy()
    {
        var payload = Encoding.UTF8.GetBytes("{\"message\": {\"type\": \"status-update\"}}");
        var body = await WebhookBody.ReadAsync(Request(payload, declareLength: false), CancellationToken.None);

        Assert.Equal(payload, body.ToArray());
    }

    [Fact]
    public async Task A_body_shorter_than_declared_is_an_error_not_a_padded_read()
    {
        var request = Request([1, 2, 3], declareLength: true);
        request.ContentLength = 10;

        await Assert.ThrowsAsync<EndOfStreamException>(() => WebhookBody.ReadAsync(request, CancellationToken.None));
    }

    private static HttpRequest Request(byte[] payload, bool declareLength)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(payload, writable: false);
        context.Request.ContentLength = declareLength ? payload.Length : null;
        return context.Request;
    }
}
