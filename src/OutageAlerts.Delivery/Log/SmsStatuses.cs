using Dapper;
using OutageAlerts.Storage;

namespace OutageAlerts.Delivery.Log;

/// <summary>A delivery report from the SMS provider: what finally happened to a message after it was accepted.</summary>
public sealed record SmsStatus(string MessageSid, string Status, string? To, string? ErrorCode, DateTimeOffset ReceivedAt);

/// <summary>The latest provider status per message, kept for audit beside the delivery log.</summary>
public sealed class SmsStatuses(IStore store, TimeProvider time)
{
    public const string MigrationId = "0113-delivery-sms-status";

    public const string MigrationSql = """
        CREATE TABLE IF NOT EXISTS delivery_sms_status (
            message_sid TEXT NOT NULL PRIMARY KEY,
            status TEXT NOT NULL,
            recipient TEXT NULL,
            error_code TEXT NULL,
            received_at BIGINT NOT NULL
        );
        """;

    public async Task RecordAsync(string messageSid, string status, string? to, string? errorCode, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await store.WriteAsync(
            (connection, transaction, ct) => connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO delivery_sms_status (message_sid, status, recipient, error_code, received_at)
                VALUES (@Sid, @Status, @To, @ErrorCode, @Now)
                ON CONFLICT (message_sid) DO UPDATE SET status = excluded.status, error_code = excluded.error_code,
                    received_at = excluded.received_at
                """,
                new { Sid = messageSid, Status = status, To = to, ErrorCode = errorCode, Now = now },
                transaction,
                cancellationToken: ct)),
            cancellationToken);
    }

    public async Task<SmsStatus?> FindAsync(string messageSid, CancellationToken cancellationToken = default)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            """
            SELECT message_sid AS MessageSid, status AS Status, recipient AS Recipient, error_code AS ErrorCode, received_at AS ReceivedAt
            FROM delivery_sms_status WHERE message_sid = @Sid
            """,
            new { Sid = messageSid },
            cancellationToken: cancellationToken));
        return row is null
            ? null
            : new SmsStatus(row.MessageSid, row.Status, row.Recipient, row.ErrorCode, DateTimeOffset.FromUnixTimeMilliseconds(row.ReceivedAt));
    }

    private sealed class Row
    {
        public string MessageSid { get; set; } = "";
        public string Status { get; set; } = "";
        public string? Recipient { get; set; }
        public string? ErrorCode { get; set; }
        public long ReceivedAt { get; set; }
    }
}
