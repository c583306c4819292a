using Microsoft.Extensions.Options;

namespace OutageAlerts.Ingestion.Configuration;

/// <summary>Checks the polling politeness settings; each message names the configuration key at fault.</summary>
internal sealed class IngestionOptionsValidator : IValidateOptions<IngestionOptions>
{
    private const int PauseAfterParseFailuresCeiling = 1000;
    private const int MaxPublishesInFlightCeiling = 1000;

    public ValidateOptionsResult Validate(string? name, IngestionOptions options)
    {
        var errors = new List<string>();
        var prefix = IngestionOptions.SectionName + ":";
        if (options.BackoffBase <= TimeSpan.Zero)
        {
            errors.Add($"{prefix}{nameof(IngestionOptions.BackoffBase)} must be positive (was {options.BackoffBase}).");
        }

        if (options.MaxBackoff < options.BackoffBase)
        {
            errors.Add($"{prefix}{nameof(IngestionOptions.MaxBackoff)} must be at least {prefix}{nameof(IngestionOptions.BackoffBase)} (was {options.MaxBackoff}).");
        }

        if (options.MaxRetryAfter <= TimeSpan.Zero)
        {
            errors.Add($"{prefix}{nameof(IngestionOptions.MaxRetryAfter)} must be positive (was {options.MaxRetryAfter}).");
        }

        if (options.PauseAfterParseFailures is < 1 or > PauseAfterParseFailuresCeiling)
        {
            errors.Add($"{prefix}{nameof(IngestionOptions.PauseAfterParseFailures)} must be between 1 and {PauseAfterParseFailuresCeiling} (was {options.PauseAfterParseFailures}).");
        }

        if (options.PauseCooldown <= TimeSpan.Zero)
        {
            errors.Add($"{prefix}{nameof(IngestionOptions.PauseCooldown)} must be positive (was {options.PauseCooldown}).");
        }

        if (options.MaxPublishesInFlight is < 1 or > MaxPublishesInFlightCeiling)
        {
            errors.Add($"{prefix}{nameof(IngestionOptions.MaxPublishesInFlight)} must be between 1 and {MaxPublishesInFlightCeiling} (was {options.MaxPublishesInFlight}).");
        }

        if (options.FirstPollMaxItemAge is { } age && age <= TimeSpan.Zero)
        {
            errors.Add($"{prefix}{nameof(IngestionOptions.FirstPollMaxItemAge)} must be positive when set (was {age}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
