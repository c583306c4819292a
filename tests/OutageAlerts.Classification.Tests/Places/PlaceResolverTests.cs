namespace OutageAlerts.Classification.Tests.Places;

public class PlaceResolverTests
{
    [Theory]
    [InlineData("Kharkiv", "UA-63")]
    [InlineData("Kharkiv region", "UA-63")]
    [InlineData("Харків", "UA-63")]
    [InlineData("у Харкові", "UA-63")]
    [InlineData("на Харківщині", "UA-63")]
    [InlineData("в Харьковской области", "UA-63")]
    [InlineData("у Києві", "UA-30")]
    [InlineData("на Київщині", "UA-32")]
    [InlineData("Kyiv region", "UA-32")]
    [InlineData("в Кривом Роге", "UA-12")]
    [InlineData("у Кривому Розі", "UA-12")]
    [InlineData("в Белгородской области", "RU-BEL")]
    [InlineData("у Білгороді-Дністровському", "UA-51")]
    [InlineData("Deir al-Balah", "PS-DEB")]
    [InlineData("Port Sudan", "SD-RS")]
    [InlineData("Odesa's port", "UA-51")]
    public void Resolve_InflectedNames_MapToRegion(string phrase, string region)
    {
        Assert.Equal(region, TestEngine.Places("Strike", phrase).Region);
    }

    [Fact]
    public void Resolve_TwoRegionsInTitle_GivesNoRegion()
    {
        var places = TestEngine.Places("Strikes hit Kyiv and Kharkiv", null);
        Assert.Null(places.Region);
        Assert.Equal("UA", places.Country);
    }

    [Fact]
    public void Resolve_CapitalAsGovernment_DoesNotOutweighTheScene()
    {
        var places = TestEngine.Places("Missile hits Poltava", "Moscow said it hit a military target, a claim Kyiv rejected.");
        Assert.Equal("UA-53", places.Region);
    }

    [Fact]
    public void Data_EveryUkrainianOblastCode_IsInGazetteer()
    {
        string[] codes = ["UA-05", "UA-07", "UA-09", "UA-12", "UA-14", "UA-18", "UA-21", "UA-23", "UA-26", "UA-30", "UA-32", "UA-35", "UA-40", "UA-43", "UA-46", "UA-48", "UA-51", "UA-53", "UA-56", "UA-59", "UA-61", "UA-63", "UA-65", "UA-68", "UA-71", "UA-74", "UA-77"];
        var known = TestEngine.Data.Places.Select(p => p.Region).ToHashSet();
        Assert.All(codes, c => Assert.Contains(c, known));
    }

    [Theory]
    [InlineData("Удар по Києву: загинули четверо", "Ракета влучила в багатоповерхівку в Дніпровському районі.", "UA-30")]
    [InlineData("Saada detention centre hit", "Air strikes hit a detention centre in Saada.", "YE-SD")]
    [InlineData("Мьянма: авиаудар", "Военные нанесли авиаудар по монастырю в области Сагайн.", "MM-01")]
    [InlineData("Газа", "Обстрел палаточного лагеря в Дейр-эль-Бале.", "PS-DEB")]
    public void Resolve_LessCommonForms_MapToRegion(string title, string summary, string region)
    {
        Assert.Equal(region, TestEngine.Places(title, summary).Region);
    }
}
