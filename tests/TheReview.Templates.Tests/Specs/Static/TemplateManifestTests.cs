using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace TheReview.Templates.Tests.Specs.Static;

/// <summary>The template's configuration is valid and offers every documented option.</summary>
[Tier(Tier.Static)]
public sealed class TemplateManifestTests(TemplateHive hive)
{
    /// <summary>Every option of template.json (<see cref="TemplateOption"/>), by its long name, with its default.</summary>
    public static TheoryData<string, string> DocumentedOptions => [.. TemplateOption.All.Select(option => (option.LongName, option.Default))];

    /// <summary>The README's table of options: each option of template.json, with its short name and default, and nothing else.</summary>
    [Fact]
    public void The_readme_documents_every_option_with_its_short_name_and_default()
    {
        var rows = File.ReadAllLines(Path.Combine(PackPaths.Root, "README.md"))
            .Where(line => line.StartsWith("| `--", StringComparison.Ordinal))
            .Select(line => line.Split('|', StringSplitOptions.TrimEntries))
            .ToDictionary(cells => cells[1].Trim('`')[2..], cells => (Short: cells[2].Trim('`'), Default: cells[3].Trim('`')), StringComparer.Ordinal);

        Assert.Equal(TemplateOption.All.Select(o => o.LongName).Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        Assert.All(TemplateOption.All, option => Assert.Equal(($"-{option.ShortName}", option.Default), rows[option.LongName]));
    }

    [Theory]
    [InlineData("thereview-backend", "template.json", "template.schema.json")]
    [InlineData("thereview-backend", "dotnetcli.host.json", "dotnetcli.host.schema.json")]
    [InlineData("thereview-backend", "ide.host.json", "ide.host.schema.json")]
    [InlineData("thereview-feature", "template.json", "template.schema.json")]
    public void Template_files_are_valid_against_their_schemas(string template, string file, string schemaFile)
    {
        var schema = JsonSchema.FromText(
            AsDraft7(File.ReadAllText(Path.Combine(PackPaths.SchemasDirectory, schemaFile))),
            new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        using var instance = JsonDocument.Parse(File.ReadAllText(Path.Combine(PackPaths.Root, "content", template, ".template.config", file)));

        var result = schema.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(result.IsValid, string.Join('\n', (result.Details ?? []).Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
    }

    [Theory]
    [InlineData("thereview-backend")]
    [InlineData("thereview-feature")]
    public void The_english_strings_are_template_jsons_and_every_translation_has_each_of_them(string template)
    {
        var localize = Path.Combine(PackPaths.Root, "content", template, ".template.config", "localize");
        var expected = TemplateManifest.LocalizableStrings(template);

        Assert.Equal(expected, ReadStrings(Path.Combine(localize, "templatestrings.en.json")));
        var translations = Directory.GetFiles(localize, "templatestrings.*.json").Where(file => !file.EndsWith(".en.json", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(translations);
        Assert.All(translations, file =>
        {
            var strings = ReadStrings(file);
            Assert.Equal(expected.Keys, strings.Keys);
            Assert.All(strings, pair => Assert.False(string.IsNullOrWhiteSpace(pair.Value), $"{Path.GetFileName(file)}: {pair.Key} is empty"));
        });
    }

    [Fact]
    public async Task Help_speaks_the_language_of_a_user_whose_language_the_template_is_translated_into()
    {
        var german = ReadStrings(Path.Combine(PackPaths.TemplateConfigDirectory, "localize", "templatestrings.de.json"));

        var help = (await Shell.DotNetAsync(["new", TemplateHive.ShortName, "--help", "--debug:custom-hive", hive.HiveDirectory],
            environment: new Dictionary<string, string?> { ["DOTNET_CLI_UI_LANGUAGE"] = "de" })).EnsureSuccess().StandardOutput;

        Assert.StartsWith(german["name"], help.TrimStart(), StringComparison.Ordinal);
        Assert.Contains(german["description"], help, StringComparison.Ordinal);
        Assert.Contains(german["symbols/setup/choices/prod/description"], help, StringComparison.Ordinal);
    }

    private static SortedDictionary<string, string> ReadStrings(string file) =>
        new(JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(file))!, StringComparer.Ordinal);

    [Fact]
    public void The_schema_check_rejects_a_template_without_identity()
    {
        var schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(PackPaths.SchemasDirectory, "template.schema.json")), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        var broken = TemplateManifest.Template;
        broken.Remove("identity");
        using var instance = JsonDocument.Parse(broken.ToJsonString());

        Assert.False(schema.Evaluate(instance.RootElement).IsValid);
    }

    /// <summary>
    /// The CLI host schema is draft-04, which the validator does not implement. It uses none of the keywords whose
    /// meaning changed after draft-04 (exclusiveMinimum/Maximum), so it is evaluated as draft-07; its draft-04 <c>id</c>
    /// is dropped, as its only reference is document-local.
    /// </summary>
    private static string AsDraft7(string schema)
    {
        var node = JsonNode.Parse(schema)!.AsObject();
        if (node["$schema"]?.GetValue<string>() != "http://json-schema.org/draft-04/schema#")
        {
            return schema;
        }

        Assert.DoesNotContain("exclusiveM", schema, StringComparison.Ordinal);
        node["$schema"] = "http://json-schema.org/draft-07/schema#";
        node.Remove("id");

        return node.ToJsonString();
    }

    [Fact]
    public void The_template_requires_sdk_10_0_100_or_later()
    {
        var constraint = TemplateManifest.Template["constraints"]!["sdk"]!;

        Assert.Equal("sdk-version", constraint["type"]!.GetValue<string>());
        Assert.StartsWith("[10.0.100", constraint["args"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_option_has_a_long_name_a_short_alias_and_help_text()
    {
        var cli = TemplateManifest.DotNetCliHost["symbolInfo"]!.AsObject();

        Assert.All(TemplateManifest.Parameters, parameter =>
        {
            Assert.False(string.IsNullOrWhiteSpace(parameter.Symbol["description"]?.GetValue<string>()), $"{parameter.Name} has no description");
            Assert.True(cli.ContainsKey(parameter.Name), $"{parameter.Name} has no CLI names");
            Assert.False(string.IsNullOrWhiteSpace(cli[parameter.Name]!["longName"]?.GetValue<string>()));
            Assert.False(string.IsNullOrWhiteSpace(cli[parameter.Name]!["shortName"]?.GetValue<string>()));
        });
    }

    [Theory]
    [MemberData(nameof(DocumentedOptions))]
    public async Task Help_shows_each_option_with_its_default(string option, string defaultValue)
    {
        var help = (await hive.NewAsync(["--help"])).EnsureSuccess().StandardOutput;

        var start = help.IndexOf($"--{option} ", StringComparison.Ordinal);
        Assert.True(start >= 0, $"--{option} is not in the help:\n{help}");
        var next = help.IndexOf("\n  -", start, StringComparison.Ordinal);
        var block = next < 0 ? help[start..] : help[start..next];
        Assert.Contains($"Default: {defaultValue}", block, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_pack_version_is_recorded_in_every_generated_repository()
    {
        var repository = await hive.InstantiateAsync(Scenario.Default);

        Assert.Contains($"\"packVersion\": \"{TemplateManifest.PackVersion}\"", repository.Read("thereview.json"), StringComparison.Ordinal);
    }
}
