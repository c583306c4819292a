using OutageAlerts.Classification.Figures;
using OutageAlerts.Classification.Text;

namespace OutageAlerts.Classification.Tests.Figures;

public class NumberReaderTests
{
    private static long? Read(string text)
    {
        var analyzed = AnalyzedText.Create(text, null, null);
        var numbers = new NumberReader(TestEngine.Data.Numbers).ReadAll(analyzed);
        return numbers.Count == 0 ? null : numbers[0].Value;
    }

    [Theory]
    [InlineData("twelve", 12)]
    [InlineData("twenty-five", 25)]
    [InlineData("a dozen", 12)]
    [InlineData("two dozen", 24)]
    [InlineData("one hundred", 100)]
    [InlineData("200,000", 200_000)]
    [InlineData("200 000", 200_000)]
    [InlineData("200 thousand", 200_000)]
    [InlineData("1.2 million", 1_200_000)]
    public void Read_English_ReturnsValue(string text, long expected) => Assert.Equal(expected, Read(text));

    [Theory]
    [InlineData("дванадцять", 12)]
    [InlineData("дванадцяти", 12)]
    [InlineData("шістнадцяти", 16)]
    [InlineData("семеро", 7)]
    [InlineData("п'ятьох", 5)]
    [InlineData("двадцять п'ять", 25)]
    [InlineData("двох десятків", 20)]
    [InlineData("50 тис.", 50_000)]
    [InlineData("1,2 млн", 1_200_000)]
    public void Read_Ukrainian_ReturnsValue(string text, long expected) => Assert.Equal(expected, Read(text));

    [Theory]
    [InlineData("двенадцать", 12)]
    [InlineData("тридцати", 30)]
    [InlineData("трое", 3)]
    [InlineData("556 тысяч", 556_000)]
    [InlineData("40 тыс.", 40_000)]
    [InlineData("сто двадцать пять", 125)]
    public void Read_Russian_ReturnsValue(string text, long expected) => Assert.Equal(expected, Read(text));

    [Theory]
    [InlineData("dozens")]
    [InlineData("десятки")]
    [InlineData("several")]
    public void Read_VagueQuantity_IsNotANumber(string text) => Assert.Null(Read(text));

    [Fact]
    public void Read_FourDigitYear_IsMarkedYearLike()
    {
        var analyzed = AnalyzedText.Create("in 2015", null, null);
        Assert.True(new NumberReader(TestEngine.Data.Numbers).ReadAll(analyzed)[0].IsYearLike);
    }
}
