namespace OutageAlerts.Delivery.Admin;

/// <summary>Enum values as the API reads and writes them: by name only (no numbers), case-insensitive on input.</summary>
internal static class AdminEnums
{
    /// <summary>Parses <paramref name="text"/>; null or blank gives <paramref name="fallback"/>, anything unknown an error for <paramref name="field"/>.</summary>
    public static TEnum Parse<TEnum>(string? text, string field, TEnum fallback, bool lowerCase, Dictionary<string, List<string>> errors)
        where TEnum : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (TryParse<TEnum>(text, out var value))
        {
            return value;
        }

        AdminHttp.Add(errors, field, $"'{Shorten(text)}' is not one of: {string.Join(", ", Names<TEnum>(lowerCase))}.");
        return fallback;
    }

    public static bool TryParse<TEnum>(string text, out TEnum value)
        where TEnum : struct, Enum
    {
        var trimmed = text.Trim();
        // Enum.TryParse also takes "2" or "-1", which would let a number stand for whatever happens to be there.
        return Enum.TryParse(trimmed, ignoreCase: true, out value) && trimmed.All(char.IsLetter) && Enum.IsDefined(value);
    }

    public static string Name<TEnum>(TEnum value, bool lowerCase)
        where TEnum : struct, Enum =>
        lowerCase ? value.ToString().ToLowerInvariant() : value.ToString();

    public static IEnumerable<string> Names<TEnum>(bool lowerCase)
        where TEnum : struct, Enum =>
        Enum.GetValues<TEnum>().Select(v => Name(v, lowerCase));

    public static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
