namespace OutageAlerts.Classification.Tests.Detection;

/// <summary>Each hard-negative class, written fresh for these tests, and the positives it must not swallow.</summary>
public class StrikeDetectorTests
{
    [Theory]
    [InlineData("Negotiators meet in Geneva on energy truce", "Delegations discussed a possible ban on strikes against power plants and substations.")]
    [InlineData("Army says it destroyed command post and ammunition depot", "Ukraine's forces struck an enemy command post and an ammunition depot near the front overnight.")]
    [InlineData("Six drones shot down over Poltava region", "Air defences shot down six drones overnight. No damage or casualties were reported.")]
    [InlineData("Two years since the dam was blown up", "Residents marked the anniversary of the dam's destruction with a memorial service.")]
    [InlineData("Drone attacks hit record this month", "Russia launched more than 4,000 drones at Ukraine this month, the air force said in its monthly tally.")]
    [InlineData("Outage schedules to apply tomorrow in most regions", "Hourly outage schedules will be applied tomorrow because of the deficit after earlier attacks.")]
    [InlineData("Planned maintenance to cut power in three villages", "Power will be switched off on Tuesday for planned maintenance of a power line.")]
    [InlineData("Ice storm leaves 80,000 without power", "Freezing rain brought down power lines across the region, leaving 80,000 customers without electricity.")]
    [InlineData("Electricity tariffs rise by a fifth", "Household electricity prices will rise from next month, the regulator said.")]
    [InlineData("Hackers hit utility's billing system", "A cyberattack disrupted the billing website of a regional power company; supply was not affected.")]
    [InlineData("Bus drivers strike over pay", "Bus drivers went on strike on Monday after wage talks collapsed.")]
    [InlineData("Forward's stunning strike wins the derby", "The striker's strike in the second half won the match for the club.")]
    [InlineData("Gas explosion destroys apartment in Lviv, two dead", "A domestic gas explosion destroyed a flat in Lviv, killing two people, emergency services said.")]
    public void Classify_HardNegative_IsNotAnAlert(string title, string summary)
    {
        var a = TestEngine.Classify(title, summary);
        Assert.False(a.Alert, string.Join(" | ", a.Reasons));
        Assert.Equal(Contracts.Severity.None, a.Severity);
    }

    [Theory]
    [InlineData("Переговори в Женеві: сторони обговорили заборону ударів по енергетиці", "Делегації обговорили можливе припинення ударів по енергетичних об'єктах.")]
    [InlineData("Над Київщиною збито 12 дронів", "Сили ППО знешкодили 12 безпілотників, руйнувань та постраждалих немає.")]
    [InlineData("Через ожеледь знеструмлено 120 населених пунктів", "Негода пошкодила лінії електропередачі на Житомирщині.")]
    [InlineData("Силы ПВО сбили восемь беспилотников", "Пострадавших и разрушений нет, сообщил губернатор.")]
    [InlineData("Жара привела к отключениям света", "Из-за жары и нагрузки на сети введены графики отключений.")]
    public void Classify_HardNegativeInUkrainianOrRussian_IsNotAnAlert(string title, string summary)
    {
        var a = TestEngine.Classify(title, summary);
        Assert.False(a.Alert, string.Join(" | ", a.Reasons));
    }

    [Theory]
    [InlineData("Talks stall as missile kills five in Kharkiv", "Negotiations were postponed. Overnight a missile hit an apartment block in Kharkiv, killing five people.")]
    [InlineData("Drone debris damages house in Kyiv region", "Debris from a downed drone damaged a private house; no one was injured.")]
    [InlineData("Russia says it struck Ukrainian energy facilities", "Russia's defence ministry said its forces hit energy facilities used by the Ukrainian army.")]
    public void Classify_StrikeDespiteNegativeCue_IsAnAlert(string title, string summary)
    {
        var a = TestEngine.Classify(title, summary);
        Assert.True(a.Alert, string.Join(" | ", a.Reasons));
    }

    [Fact]
    public void Classify_DefenceMinistryClaim_IsLikelyAndModerate()
    {
        var a = TestEngine.Classify("Russia says it struck Ukrainian energy facilities", "Russia's defence ministry said its forces hit energy facilities in several regions.");
        Assert.Equal(Contracts.Certainty.Likely, a.Certainty);
        Assert.Equal(Contracts.Severity.Moderate, a.Severity);
    }

    [Fact]
    public void Classify_Retrospective_IsPast()
    {
        var a = TestEngine.Classify("Ten years on: remembering the first grid attack", "An anniversary look back at the missile strikes on power plants in 2016.");
        Assert.Equal(Contracts.Urgency.Past, a.Urgency);
    }

    [Theory]
    [InlineData("Ahead of Geneva talks, Russian missiles kill six in Kyiv", "As negotiators prepared for a new round of talks in Geneva, a Russian missile attack on Kyiv killed six people.")]
    [InlineData("Snow and shelling cut off villages", "Shelling damaged a high-voltage line, leaving four villages without power as heavy snow slowed repair crews.")]
    [InlineData("Аварійні відключення на Київщині", "Внаслідок ракетного удару застосовано аварійні відключення, стабілізаційні графіки тимчасово не діють.")]
    public void Classify_StrikeClauseBesideACue_IsAnAlert(string title, string summary)
    {
        var a = TestEngine.Classify(title, summary);
        Assert.True(a.Alert, string.Join(" | ", a.Reasons));
    }

    [Theory]
    [InlineData("Putin agrees to halt strikes on Ukrainian energy for 30 days", "Putin ordered the military to pause attacks on Ukraine's energy infrastructure for 30 days, the Kremlin said.")]
    [InlineData("Глава Минэнерго: зима будет тяжёлой", "Министр заявила, что энергосистема готова к отопительному сезону, несмотря на удары по генерации весной.")]
    [InlineData("WHO counts over 2,000 attacks on health care since 2022", "The agency verified more than 2,000 attacks on hospitals and ambulances since February 2022, killing over 200 people.")]
    [InlineData("Parliament approves fund to rebuild energy facilities hit in attacks", "Lawmakers approved a special fund to finance repairs of power plants damaged in Russian strikes.")]
    [InlineData("Рік після удару по лікарні: відкрили відновлений корпус", "Через рік після ракетного удару по дитячій лікарні прийняли перших пацієнтів.")]
    public void Classify_StrikesOnlyInTheFrame_IsNotAnAlert(string title, string summary)
    {
        var a = TestEngine.Classify(title, summary);
        Assert.False(a.Alert, string.Join(" | ", a.Reasons));
    }
}
