using System.Text.Json.Nodes;

namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>The template's own configuration files, parsed.</summary>
public static class TemplateManifest
{
    public static JsonObject Template => Load("template.json");

    public static JsonObject DotNetCliHost => Load("dotnetcli.host.json");

    public static JsonObject IdeHost => Load("ide.host.json");

    public static string PackVersion =>
        Template["symbols"]!["packVersion"]!["parameters"]!["value"]!.GetValue<string>();

    /// <summary>The user-facing options: parameter symbols.</summary>
    public static IEnumerable<(string Name, JsonObject Symbol)> Parameters =>
        Template["symbols"]!.AsObject()
            .Where(symbol => symbol.Value!["type"]!.GetValue<string>() == "parameter")
            .Select(symbol => (symbol.Key, symbol.Value!.AsObject()));

    private static JsonObject Load(string file) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(PackPaths.TemplateConfigDirectory, file)))!.AsObject();
}
