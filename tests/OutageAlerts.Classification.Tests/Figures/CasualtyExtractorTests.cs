namespace OutageAlerts.Classification.Tests.Figures;

public class CasualtyExtractorTests
{
    [Theory]
    [InlineData("A missile strike killed at least five people and injured 23 in the city centre.", 5, 23)]
    [InlineData("Nine people, four of them children, were killed and more than 40 were wounded.", 9, 40)]
    [InlineData("The death toll from the attack on the block rose to eleven by the evening.", 11, null)]
    [InlineData("Six people were killed, including two children; 17 were hurt.", 6, 17)]
    [InlineData("A drone hit a nine-storey building, killing three.", 3, null)]
    [InlineData("Russia launched 400 drones and 40 missiles; two people were injured.", null, 2)]
    public void Extract_English_PairsFiguresWithCasualtyWords(string sentence, int? killed, int? injured)
    {
        var figures = TestEngine.Casualties("Strike report", sentence);
        Assert.Equal(killed, figures.Killed);
        Assert.Equal(injured, figures.Injured);
    }

    [Theory]
    [InlineData("Загинули четверо людей, ще 22 поранені, серед них троє дітей.", 4, 22)]
    [InlineData("Кількість загиблих зросла до дванадцяти, серед них двоє дітей.", 12, null)]
    [InlineData("Сім будинків зруйновано, 30 пошкоджено, загинула одна людина.", 1, null)]
    [InlineData("Постраждали 9 людей, з них троє госпіталізовані.", null, 9)]
    public void Extract_Ukrainian_PairsFiguresWithCasualtyWords(string sentence, int? killed, int? injured)
    {
        var figures = TestEngine.Casualties("Удар", sentence);
        Assert.Equal(killed, figures.Killed);
        Assert.Equal(injured, figures.Injured);
    }

    [Theory]
    [InlineData("Погибли три человека, ещё 32 получили ранения, из них восемь — дети.", 3, 32)]
    [InlineData("Число погибших выросло до двадцати одного.", 21, null)]
    [InlineData("Один погибший, около тридцати раненых.", 1, 30)]
    public void Extract_Russian_PairsFiguresWithCasualtyWords(string sentence, int? killed, int? injured)
    {
        var figures = TestEngine.Casualties("Удар", sentence);
        Assert.Equal(killed, figures.Killed);
        Assert.Equal(injured, figures.Injured);
    }

    [Fact]
    public void Extract_RestatedTotal_IsNotCountedTwice()
    {
        var figures = TestEngine.Casualties("Seven killed in strike", "Seven people were killed when the missile hit.");
        Assert.Equal(7, figures.Killed);
    }

    [Fact]
    public void Extract_Dozens_GivesNoFigureButMany()
    {
        var figures = TestEngine.Casualties("Strike", "Dozens of people were wounded in the attack.");
        Assert.Null(figures.Injured);
        Assert.True(figures.InjuredMany);
    }

    [Fact]
    public void Extract_CasualtiesWithoutNumber_AreUncounted()
    {
        var figures = TestEngine.Casualties("Удар по місту", "Є травмовані, на місці працюють рятувальники.");
        Assert.Null(figures.Injured);
        Assert.True(figures.InjuredUncounted);
    }

    [Fact]
    public void Extract_NoInjuries_IsNotACasualtyMention()
    {
        var figures = TestEngine.Casualties("Drone hit a house", "No injuries were reported.");
        Assert.False(figures.AnyCasualties);
    }

    [Theory]
    [InlineData("A drone struck a minibus in Kherson, killing the driver and injuring three passengers.", 1, 3)]
    [InlineData("A drone hit a private house, destroying it and injuring a 12-year-old boy.", null, 1)]
    [InlineData("Дрон атакував маршрутку, водій загинув на місці.", 1, null)]
    [InlineData("Уламки дрона пошкодили будинок, травмовано жінку.", null, 1)]
    [InlineData("Беспилотник атаковал автобус, погиб водитель.", 1, null)]
    public void Extract_OnePersonNamedWithoutNumber_CountsOne(string sentence, int? killed, int? injured)
    {
        var figures = TestEngine.Casualties("Strike", sentence);
        Assert.Equal(killed, figures.Killed);
        Assert.Equal(injured, figures.Injured);
    }

    [Theory]
    [InlineData("Дрон атаковал машину скорой помощи, ранены фельдшер и водитель.")]
    [InlineData("A drone hit the clinic; a doctor and a nurse were injured.")]
    public void Extract_TwoPeopleNamedWithoutNumber_GivesNoFigure(string sentence)
    {
        var figures = TestEngine.Casualties("Strike", sentence);
        Assert.Null(figures.Injured);
        Assert.True(figures.InjuredUncounted);
    }

    [Fact]
    public void Extract_SubgroupPerson_IsNotCountedAsOne()
    {
        var figures = TestEngine.Casualties("Удар", "Поранено кількох людей, серед них дитина.");
        Assert.Null(figures.Injured);
    }

    [Fact]
    public void Extract_ApproximateHeadlineFigure_YieldsToExactBodyFigure()
    {
        var figures = TestEngine.Casualties("Ракетный удар по Днепру: почти 300 раненых", "Погибли семнадцать человек, ранены 279.");
        Assert.Equal(279, figures.Injured);
        Assert.Equal(17, figures.Killed);
    }

    [Fact]
    public void Extract_QualifierWords_DoNotPushAFigureOutOfReach()
    {
        var figures = TestEngine.Casualties("Kyiv attack", "The attack killed at least nine people and wounded more than 70, officials said.");
        Assert.Equal(9, figures.Killed);
        Assert.Equal(70, figures.Injured);
    }

    [Fact]
    public void Extract_NumberEndingSentenceBeforeDamageWord_StillCounts()
    {
        var figures = TestEngine.Casualties("Суми: удар по центру міста", "Загинули 34 людини, поранено 117. Пошкоджено тролейбус.");
        Assert.Equal(117, figures.Injured);
    }

    [Fact]
    public void Extract_OneOfTheGroup_IsASubgroupNotTheTotal()
    {
        var figures = TestEngine.Casualties("Port attack", "One of the port employees injured in the strike died in hospital. Twelve people are being treated for wounds.");
        Assert.Equal(12, figures.Injured);
    }
}
