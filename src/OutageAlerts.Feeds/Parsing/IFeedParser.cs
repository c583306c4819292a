namespace OutageAlerts.Feeds.Parsing;

/// <summary>Parses feed bytes of any supported format, detected from the content.</summary>
public interface IFeedParser
{
    /// <summary>Parses <paramref name="content"/>.</summary>
    /// <param name="content">The raw bytes as fetched.</param>
    /// <param name="contentType">The HTTP Content-Type header, when known (carries the charset).</param>
    /// <param name="baseUri">Where the document came from; relative links resolve against it.</param>
    /// <exception cref="FeedParseException">The content is not a feed this parser can read.</exception>
    ParsedFeed Parse(ReadOnlyMemory<byte> content, string? contentType = null, Uri? baseUri = null);
}

/// <summary>The content could not be parsed as a feed; the message says why, for operators.</summary>
public sealed class FeedParseException : Exception
{
    public FeedParseException()
    {
    }

    public FeedParseException(string message)
        : base(message)
    {
    }

    public FeedParseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
