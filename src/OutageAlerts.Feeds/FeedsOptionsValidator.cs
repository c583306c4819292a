using Microsoft.Extensions.Options;

namespace OutageAlerts.Feeds;

/// <summary>Checks <see cref="FeedsOptions"/> at start-up; each message names the configuration key at fault.</summary>
internal sealed class FeedsOptionsValidator : IValidateOptions<FeedsOptions>
{
    private const long MaxBodyBytesCeiling = 1L << 30;
    private const int MaxRetriesCeiling = 10;
    private const int MaxRedirectsCeiling = 20;
    private const int MaxConcurrentFetchesPerHostCeiling = 64;

    public ValidateOptionsResult Validate(string? name, FeedsOptions options)
    {
        var errors = new List<string>();
        var prefix = FeedsOptions.SectionName + ":";
        if (options.MaxBodyBytes is <= 0 or > MaxBodyBytesCeiling)
        {
            errors.Add($"{prefix}{nameof(FeedsOptions.MaxBodyBytes)} must be between 1 and {MaxBodyBytesCeiling} (was {options.MaxBodyBytes}).");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            errors.Add($"{prefix}{nameof(FeedsOptions.Timeout)} must be positive (was {options.Timeout}).");
        }

        if (options.AttemptTimeout <= TimeSpan.Zero || options.AttemptTimeout > options.Timeout)
        {
            errors.Add($"{prefix}{nameof(FeedsOptions.AttemptTimeout)} must be positive and at most {prefix}{nameof(FeedsOptions.Timeout)} (was {options.AttemptTimeout}).");
        }

        if (options.MaxRetries is < 0 or > MaxRetriesCeiling)
        {
            errors.Add($"{prefix}{nameof(FeedsOptions.MaxRetries)} must be between 0 and {MaxRetriesCeiling} (was {options.MaxRetries}).");
        }

        if (options.RetryBaseDelay < TimeSpan.Zero)
        {
            errors.Add($"{prefix}{nameof(FeedsOptions.RetryBaseDelay)} must not be negative (was {options.RetryBaseDelay}).");
        }

        if (options.MaxRedirects is < 0 or > MaxRedirectsCeiling)
        {
            errors.Add($"{prefix}{nameof(FeedsOptions.MaxRedirects)} must be between 0 and {MaxRedirectsCeiling} (was {options.MaxRedirects}).");
        }

        if (options.MaxConcurrentFetchesPerHost is < 1 or > MaxConcurrentFetchesPerHostCeiling)
        {
            errors.Add($"{prefix}{nameof(FeedsOptions.MaxConcurrentFetchesPerHost)} must be between 1 and {MaxConcurrentFetchesPerHostCeiling} (was {options.MaxConcurrentFetchesPerHost}).");
        }

        if (string.IsNullOrWhiteSpace(options.UserAgent) || !IsValidUserAgent(options.UserAgent))
        {
            errors.Add($"{prefix}{nameof(FeedsOptions.UserAgent)} must be a valid User-Agent header value (was '{options.UserAgent}').");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsValidUserAgent(string value)
    {
        using var request = new HttpRequestMessage();
        return request.Headers.UserAgent.TryParseAdd(value) && !value.Any(char.IsControl);
    }
}
