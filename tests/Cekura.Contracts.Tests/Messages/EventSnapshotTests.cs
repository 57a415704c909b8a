using System.Reflection;
using System.Text.Json;
using Cekura.Contracts.Calls;
using Cekura.Contracts.Messages;
using MassTransit;

namespace Cekura.Contracts.Tests.Messages;

/// <summary>
/// Events cross process boundaries and sit in queues across deployments: their JSON and their URNs are part of the
/// contract. A change here is a breaking change unless it only adds fields.
/// </summary>
public sealed class EventSnapshotTests
{
    public static TheoryData<object, string> Events => new()
    {
        { new CallReceived { CallLogId = 12, ProjectId = 3 }, """{"call_log_id":12,"project_id":3}""" },
        { new CallTranscribed { CallLogId = 13, ProjectId = 4 }, """{"call_log_id":13,"project_id":4}""" },
        { new CallRedacted { CallLogId = 14, ProjectId = 5 }, """{"call_log_id":14,"project_id":5}""" },
        { new CallEvaluated { CallLogId = 9007199254740993, ProjectId = 6 }, """{"call_log_id":9007199254740993,"project_id":6}""" },
    };

    [Theory]
    [MemberData(nameof(Events))]
    public void Event_json_matches_its_snapshot(object message, string expected) =>
        Assert.Equal(expected, JsonSerializer.Serialize(message, message.GetType(), CekuraJson.Options));

    [Theory]
    [MemberData(nameof(Events))]
    public void Event_reads_back_from_its_snapshot(object message, string json) =>
        Assert.Equal(message, JsonSerializer.Deserialize(json, message.GetType(), CekuraJson.Options));

    [Fact]
    public void Event_without_a_required_id_is_rejected() =>
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<CallReceived>("""{"project_id":3}""", CekuraJson.Options));

    [Theory]
    [InlineData(typeof(CallReceived), "cekura:call-received")]
    [InlineData(typeof(CallTranscribed), "cekura:call-transcribed")]
    [InlineData(typeof(CallRedacted), "cekura:call-redacted")]
    [InlineData(typeof(CallEvaluated), "cekura:call-evaluated")]
    public void Event_has_a_stable_message_urn(Type type, string urn)
    {
        var attribute = type.GetCustomAttribute<MessageUrnAttribute>();

        Assert.NotNull(attribute);
        Assert.Equal(urn, attribute.Urn.ToString());
        Assert.Equal(urn, MessageUrn.ForTypeString(type));
    }

    [Fact]
    public void Every_message_type_has_its_own_urn()
    {
        var messages = typeof(CallReceived).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(CallReceived).Namespace && t is { IsClass: true, IsPublic: true })
            .ToList();

        Assert.Equal(4, messages.Count);
        Assert.All(messages, t => Assert.NotNull(t.GetCustomAttribute<MessageUrnAttribute>()));
        Assert.Equal(messages.Count, messages.Select(t => t.GetCustomAttribute<MessageUrnAttribute>()!.Urn).Distinct().Count());
    }

    [Theory]
    [InlineData(CallStage.Received, typeof(CallReceived))]
    [InlineData(CallStage.Transcribed, typeof(CallTranscribed))]
    [InlineData(CallStage.Redacted, typeof(CallRedacted))]
    [InlineData(CallStage.Evaluated, typeof(CallEvaluated))]
    public void Each_stage_owes_its_event(CallStage stage, Type eventType)
    {
        var message = CallStageEvents.For(stage, 12, 3);

        Assert.IsType(eventType, message);
        Assert.Equal("""{"call_log_id":12,"project_id":3}""", JsonSerializer.Serialize(message, eventType, CekuraJson.Options));
    }

    [Fact]
    public void A_received_call_with_a_recording_says_so_and_one_that_does_not_know_keeps_the_old_shape()
    {
        Assert.Equal("""{"call_log_id":12,"project_id":3,"has_recording":true}""",
            JsonSerializer.Serialize(CallStageEvents.For(CallStage.Received, 12, 3, hasRecording: true), CekuraJson.Options));
        Assert.Equal("""{"call_log_id":12,"project_id":3,"has_recording":false}""",
            JsonSerializer.Serialize(CallStageEvents.For(CallStage.Received, 12, 3, hasRecording: false), CekuraJson.Options));
        // An event from an earlier version (no field) reads as "not said", which the main lane takes.
        Assert.Null(JsonSerializer.Deserialize<CallReceived>("""{"call_log_id":12,"project_id":3}""", CekuraJson.Options)!.HasRecording);
    }

    [Fact]
    public void Failed_stage_owes_no_event()
    {
        Assert.Null(CallStageEvents.For(CallStage.Failed, 12, 3));
        Assert.True(CallStageEvents.IsTerminal(CallStage.Failed));
        Assert.True(CallStageEvents.IsTerminal(CallStage.Evaluated));
        Assert.False(CallStageEvents.IsTerminal(CallStage.Redacted));
    }
}
