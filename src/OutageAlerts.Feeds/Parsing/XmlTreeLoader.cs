using System.Xml;
using System.Xml.Linq;

namespace OutageAlerts.Feeds.Parsing;

/// <summary>
/// Builds an element tree from sanitised feed XML without ever resolving a DTD or an external resource, and keeps
/// what was read before a fatal error (a truncated download, a stray tag) instead of losing the whole feed.
/// </summary>
internal static class XmlTreeLoader
{
    /// <summary>Upper bound on the characters read from one document.</summary>
    internal const long MaxCharactersInDocument = 64L * 1024 * 1024;

    /// <summary>Nesting deeper than this is not a feed but an attack on the stack.</summary>
    internal const int MaxDepth = 256;

    public static XElement Load(string xml, out string? recoveredError)
    {
        recoveredError = null;
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Ignore,
            XmlResolver = null,
            MaxCharactersInDocument = MaxCharactersInDocument,
            MaxCharactersFromEntities = 1024,
            CheckCharacters = false,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            ConformanceLevel = ConformanceLevel.Document,
        };

        var nameTable = new NameTable();
        var context = new XmlParserContext(nameTable, new LenientNamespaceManager(nameTable), null, XmlSpace.None);
        XElement? root = null;
        var stack = new Stack<XElement>();
        using var stringReader = new StringReader(xml);
        using var reader = XmlReader.Create(stringReader, settings, context);
        try
        {
            while (reader.Read())
            {
                switch (reader.NodeType)
                {
                    case XmlNodeType.Element:
                        var element = CreateElement(reader);
                        if (stack.Count == 0)
                        {
                            root ??= element;
                            if (!ReferenceEquals(root, element))
                            {
                                // A second top-level element: tolerated, and ignored.
                                continue;
                            }
                        }
                        else
                        {
                            stack.Peek().Add(element);
                        }

                        if (!reader.IsEmptyElement)
                        {
                            if (stack.Count >= MaxDepth)
                            {
                                throw new FeedParseException($"The XML is nested deeper than {MaxDepth} levels.");
                            }

                            stack.Push(element);
                        }

                        break;
                    case XmlNodeType.EndElement:
                        if (stack.Count > 0)
                        {
                            stack.Pop();
                        }

                        break;
                    case XmlNodeType.Text or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                        if (stack.Count > 0)
                        {
                            stack.Peek().Add(new XText(reader.Value));
                        }

                        break;
                    case XmlNodeType.CDATA:
                        if (stack.Count > 0)
                        {
                            stack.Peek().Add(new XCData(reader.Value));
                        }

                        break;
                }
            }
        }
        catch (XmlException ex)
        {
            if (root is null)
            {
                throw new FeedParseException($"The document is not well-formed XML: {ex.Message}", ex);
            }

            recoveredError = ex.Message;
        }

        return root ?? throw new FeedParseException("The document contains no XML element.");
    }

    private static XElement CreateElement(XmlReader reader)
    {
        var element = new XElement(XName.Get(reader.LocalName, reader.NamespaceURI));
        if (reader.MoveToFirstAttribute())
        {
            do
            {
                if (reader.NamespaceURI == XNamespace.Xmlns.NamespaceName)
                {
                    continue;
                }

                var name = XName.Get(reader.LocalName, reader.NamespaceURI);
                if (element.Attribute(name) is null)
                {
                    element.Add(new XAttribute(name, reader.Value));
                }
            }
            while (reader.MoveToNextAttribute());

            reader.MoveToElement();
        }

        return element;
    }

    /// <summary>
    /// Feeds often use dc:, media: or content: without declaring them. Known prefixes get their usual namespace and
    /// unknown ones a placeholder, so an undeclared prefix costs nothing instead of truncating the feed.
    /// </summary>
    private sealed class LenientNamespaceManager(XmlNameTable nameTable) : XmlNamespaceManager(nameTable)
    {
        private static readonly Dictionary<string, string> WellKnown = new(StringComparer.Ordinal)
        {
            ["atom"] = FeedNamespaces.Atom10,
            ["content"] = FeedNamespaces.Content,
            ["dc"] = FeedNamespaces.DublinCore,
            ["dcterms"] = FeedNamespaces.DublinCoreTerms,
            ["itunes"] = FeedNamespaces.ITunes,
            ["media"] = FeedNamespaces.Media,
            ["rdf"] = FeedNamespaces.Rdf,
            ["xhtml"] = FeedNamespaces.Xhtml,
        };

        public override string? LookupNamespace(string prefix)
        {
            var declared = base.LookupNamespace(prefix);
            if (declared is not null || string.IsNullOrEmpty(prefix))
            {
                return declared;
            }

            return WellKnown.TryGetValue(prefix, out var known) ? known : "urn:x-undeclared-prefix:" + prefix;
        }
    }
}
