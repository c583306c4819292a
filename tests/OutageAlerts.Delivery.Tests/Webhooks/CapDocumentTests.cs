using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Webhooks;

namespace OutageAlerts.Delivery.Tests.Webhooks;

public class CapDocumentTests
{
    private static readonly XNamespace Cap = "urn:oasis:names:tc:emergency:cap:1.2";

    /// <summary>The schema lives in the shared folder beside the repository (see shared/conformance/cap/README.md).</summary>
    private static XmlSchemaSet Schema()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "shared", "conformance", "cap", "CAP-v1.2.xsd");
            if (File.Exists(path))
            {
                var set = new XmlSchemaSet();
                set.Add("urn:oasis:names:tc:emergency:cap:1.2", path);
                set.Compile();
                return set;
            }
        }

        throw new FileNotFoundException("shared/conformance/cap/CAP-v1.2.xsd was not found above " + AppContext.BaseDirectory);
    }

    private static List<string> Validate(byte[] xml)
    {
        var errors = new List<string>();
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = Schema() };
        settings.ValidationEventHandler += (_, e) => errors.Add(e.Message);
        using var reader = XmlReader.Create(new MemoryStream(xml), settings);
        while (reader.Read())
        {
        }

        return errors;
    }

    private const string V1Reference = "outage-alerts,inc-2025-11-08-kharkiv-v1,2025-11-08T04:30:00+00:00";
    private const string V2Reference = "outage-alerts,inc-2025-11-08-kharkiv-v2,2025-11-08T05:30:00+00:00";

    public static TheoryData<string, AlertEventKind, Alert> Alerts => new()
    {
        { "raised", AlertEventKind.Raised, SampleAlerts.Kharkiv() },
        { "update in Ukrainian", AlertEventKind.Updated, SampleAlerts.KyivInUkrainian() with { Version = 2, MsgType = MsgType.Update, Changes = ["killed 1 -> 3"] } },
        { "cancel", AlertEventKind.Cancelled, SampleAlerts.Kharkiv(version: 3) with { MsgType = MsgType.Cancel, References = [V1Reference, V2Reference] } },
        { "update with references", AlertEventKind.Updated, SampleAlerts.Kharkiv(version: 2) with { References = [V1Reference] } },
        { "bare", AlertEventKind.Raised, SampleAlerts.Kharkiv() with { Area = null, Regions = [], Country = null, Sources = [], Targets = [], Injured = null, OutageCustomers = null, Reasons = [], Language = null, Severity = Severity.None } },
    };

    [Theory]
    [MemberData(nameof(Alerts))]
    public void Serialize_Alert_IsValidAgainstCap12Schema(string name, AlertEventKind kind, Alert alert)
    {
        var xml = CapDocument.Serialize(kind, alert, kind == AlertEventKind.Cancelled ? "reported twice" : null);

        Assert.True(Validate(xml) is { Count: 0 } errors, name + ": " + string.Join("; ", Validate(xml)));
    }

    [Fact]
    public void Create_Update_CarriesIdentifiersValuesAndArea()
    {
        var alert = SampleAlerts.Kharkiv(version: 2);

        var root = CapDocument.Create(AlertEventKind.Updated, alert).Root!;

        Assert.Equal("inc-2025-11-08-kharkiv-v2", root.Element(Cap + "identifier")!.Value);
        Assert.Equal("Update", root.Element(Cap + "msgType")!.Value);
        Assert.Equal("2025-11-08T05:30:00+00:00", root.Element(Cap + "sent")!.Value);
        Assert.Equal("inc-2025-11-08-kharkiv", root.Element(Cap + "incidents")!.Value);
        var info = root.Element(Cap + "info")!;
        Assert.Equal("Severe", info.Element(Cap + "severity")!.Value);
        Assert.Contains(info.Elements(Cap + "category"), c => c.Value == "Infra");
        Assert.Contains(info.Elements(Cap + "parameter"),
            p => p.Element(Cap + "valueName")!.Value == "injured" && p.Element(Cap + "value")!.Value == "2");
        var area = info.Element(Cap + "area")!;
        Assert.Equal("Kharkiv oblast (UA-63)", area.Element(Cap + "areaDesc")!.Value);
        Assert.Equal("49.99,36.23 25", area.Element(Cap + "circle")!.Value);
        Assert.Contains(area.Elements(Cap + "geocode"), g => g.Element(Cap + "value")!.Value == "UA-63");
    }

    [Fact]
    public void Create_UpdateAndCancel_ReferenceEveryEarlierVersionSpaceSeparated()
    {
        var update = CapDocument.Create(AlertEventKind.Updated, SampleAlerts.Kharkiv(version: 2) with { References = [V1Reference] }).Root!;
        var cancel = CapDocument.Create(
            AlertEventKind.Cancelled, SampleAlerts.Kharkiv(version: 3) with { MsgType = MsgType.Cancel, References = [V1Reference, V2Reference] }).Root!;
        var first = CapDocument.Create(AlertEventKind.Raised, SampleAlerts.Kharkiv()).Root!;

        Assert.Equal(V1Reference, update.Element(Cap + "references")!.Value);
        Assert.Equal($"{V1Reference} {V2Reference}", cancel.Element(Cap + "references")!.Value);
        Assert.Null(first.Element(Cap + "references"));
    }
}
