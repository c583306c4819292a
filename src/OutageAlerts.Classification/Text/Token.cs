namespace OutageAlerts.Classification.Text;

internal enum TokenKind : byte
{
    Word,
    Number,
    Punct,
}

/// <summary>One token of the normalised text; <see cref="Sentence"/> 0 is the title.</summary>
internal readonly record struct Token(int Start, int Length, TokenKind Kind, int Sentence)
{
    public int End => Start + Length;
}
