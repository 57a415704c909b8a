using System.Security.Cryptography;
using System.Text;
using Cekura.Hosting.Tenancy;
using Microsoft.AspNetCore.Http;

namespace Cekura.Hosting.Tests.Tenancy;

public sealed class WebhookTokensTests
{
    [Fact]
    public void A_generated_token_is_well_formed_random_and_known_by_its_sha256_and_prefix()
    {
        var token = WebhookTokens.Generate();

        Assert.True(WebhookTokens.IsWellFormed(token));
        Assert.StartsWith("ck_hook_", token);
        Assert.Equal(48, token.Length);
        Assert.NotEqual(token, WebhookTokens.Generate());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token))), WebhookTokens.HashHex(token));
        Assert.Equal(token[..16], WebhookTokens.VisiblePrefix(token));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ck_hook_")]
    [InlineData("ck_live_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN")]
    [InlineData("ck_hook_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLM")]
    [InlineData("ck_hook_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO")]
    [InlineData("ck_hook_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKL-N")]
    [InlineData("ck_hook_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLé")]
    public void Anything_else_is_not_a_token(string text) => Assert.False(WebhookTokens.IsWellFormed(text));

    [Theory]
    [InlineData("/observability/v1/retell/observe/t/ck_hook_x/", "ck_hook_x")]
    [InlineData("/observability/v1/elevenlabs/observe/t/ck_hook_x", "ck_hook_x")]
    [InlineData("/Observability/V1/retell/OBSERVE/T/ck_hook_x/", "ck_hook_x")]
    [InlineData("/observability/v1/retell/observe/t/not-a-token/", "not-a-token")]
    public void The_token_is_read_from_a_tokened_webhook_path(string path, string token)
    {
        Assert.True(WebhookTokens.TryRead(new PathString(path), out var read));
        Assert.Equal(token, read);
    }

    [Fact]
    public void The_path_made_for_a_token_is_read_back()
    {
        var token = WebhookTokens.Generate();

        Assert.Equal($"/observability/v1/retell/observe/t/{token}/", WebhookTokens.Path("retell", token));
        Assert.True(WebhookTokens.TryRead(new PathString(WebhookTokens.Path("retell", token)), out var read));
        Assert.Equal(token, read);
    }

    [Theory]
    [InlineData("/observability/v1/retell/observe/")]
    [InlineData("/observability/v1/retell/observe/t/")]
    [InlineData("/observability/v1/retell/observe/t//")]
    [InlineData("/observability/v1//observe/t/ck_hook_x/")]
    [InlineData("/observability/v1/retell/observe/t/ck_hook_x/more/")]
    [InlineData("/observability/v2/retell/observe/t/ck_hook_x/")]
    [InlineData("/test_framework/v1/aiagents/1/webhook_token/")]
    [InlineData("/observability/v1/observe/")]
    public void Other_paths_are_not_tokened_webhook_paths(string path) => Assert.False(WebhookTokens.TryRead(new PathString(path), out _));
}
