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

    /// <summary>
    /// What the engine localizes in a template's template.json, keyed the way <c>localize/templatestrings.*.json</c>
    /// names it: the identity strings, each parameter's texts and its choices', each post action's texts.
    /// </summary>
    public static SortedDictionary<string, string> LocalizableStrings(string template)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(PackPaths.Root, "content", template, ".template.config", "template.json")))!.AsObject();
        var strings = new SortedDictionary<string, string>(StringComparer.Ordinal);
        void Add(string key, JsonNode? value)
        {
            if (value is not null)
            {
                strings.Add(key, value.GetValue<string>());
            }
        }

        foreach (var field in new[] { "author", "name", "description" })
        {
            Add(field, manifest[field]);
        }

        foreach (var (name, symbol) in manifest["symbols"]!.AsObject().Where(symbol => symbol.Value!["type"]!.GetValue<string>() == "parameter"))
        {
            Add($"symbols/{name}/displayName", symbol!["displayName"]);
            Add($"symbols/{name}/description", symbol["description"]);
            foreach (var choice in symbol["choices"]?.AsArray() ?? [])
            {
                Add($"symbols/{name}/choices/{choice!["choice"]}/displayName", choice["displayName"]);
                Add($"symbols/{name}/choices/{choice["choice"]}/description", choice["description"]);
            }
        }

        foreach (var action in manifest["postActions"]?.AsArray() ?? [])
        {
            Add($"postActions/{action!["id"]}/description", action["description"]);
            foreach (var instruction in action["manualInstructions"]?.AsArray() ?? [])
            {
                Add($"postActions/{action["id"]}/manualInstructions/{instruction!["id"]?.GetValue<string>() ?? "default"}/text", instruction["text"]);
            }
        }

        return strings;
    }

    private static JsonObject Load(string file) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(PackPaths.TemplateConfigDirectory, file)))!.AsObject();
}
