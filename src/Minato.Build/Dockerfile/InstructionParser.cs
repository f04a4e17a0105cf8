using System.Globalization;
using System.Text.RegularExpressions;

namespace Minato.Build.Dockerfile;

/// <summary>Turns one logical line into an <see cref="Instruction"/> with Docker's per-instruction argument rules.</summary>
internal static partial class InstructionParser
{
    private static readonly string[] None = [];

    private static readonly HashSet<string> Keywords = new(
        ["FROM", "ARG", "ENV", "LABEL", "RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "WORKDIR", "USER",
            "STOPSIGNAL", "MAINTAINER", "EXPOSE", "VOLUME", "HEALTHCHECK", "ONBUILD"],
        StringComparer.Ordinal);

    public static Instruction Parse(LogicalLine line, char escape)
    {
        var trimmed = line.Text.Trim();
        var keywordEnd = trimmed.AsSpan().IndexOfAny(" \t\v\f\r");
        var keyword = keywordEnd < 0 ? trimmed : trimmed[..keywordEnd];
        var rest = keywordEnd < 0 ? "" : trimmed[keywordEnd..];
        var upper = keyword.ToUpperInvariant();
        var request = new Request(line.Line, upper + rest, upper, escape, line.Heredocs);
        if (!Keywords.Contains(upper))
        {
            throw new DockerfileSyntaxException(line.Line, $"unknown instruction: {keyword}");
        }

        var (flagWords, args) = DockerfileWords.ExtractFlags(rest);
        request.Args = args.Trim();
        request.Flags = ParseFlags(request, flagWords);
        return upper switch
        {
            "FROM" => From(request),
            "ARG" => Arg(request),
            "ENV" => new EnvInstruction(request.Line, request.Text, NameValues(request)),
            "LABEL" => new LabelInstruction(request.Line, request.Text, NameValues(request)),
            "RUN" => Run(request),
            "CMD" => new CmdInstruction(request.Line, request.Text, Command(request)),
            "ENTRYPOINT" => new EntrypointInstruction(request.Line, request.Text, Command(request)),
            "SHELL" => Shell(request),
            "COPY" => Copy(request, isAdd: false),
            "ADD" => Copy(request, isAdd: true),
            "WORKDIR" => new WorkdirInstruction(request.Line, request.Text, Single(request)),
            "USER" => new UserInstruction(request.Line, request.Text, Single(request)),
            "STOPSIGNAL" => new StopSignalInstruction(request.Line, request.Text, Single(request)),
            "MAINTAINER" => new MaintainerInstruction(request.Line, request.Text, Single(request)),
            "EXPOSE" => new ExposeInstruction(request.Line, request.Text, AtLeastOne(request, DockerfileWords.Whitespace(request.Args))),
            "VOLUME" => Volume(request),
            "HEALTHCHECK" => Healthcheck(request),
            _ => Onbuild(request),
        };
    }

    private static BuilderFlags ParseFlags(Request request, List<string> words)
    {
        string[] strings = [], lists = [], booleans = [];
        switch (request.Keyword)
        {
            case "FROM":
                strings = ["platform"];
                break;
            case "RUN":
                (strings, lists) = (["network"], ["mount"]);
                break;
            case "COPY":
                (strings, booleans) = (["from", "chown", "chmod"], ["link"]);
                break;
            case "ADD":
                (strings, booleans) = (["chown", "chmod", "checksum"], ["link", "keep-git-dir"]);
                break;
            case "HEALTHCHECK":
                strings = ["interval", "timeout", "start-period", "start-interval", "retries"];
                break;
        }

        return BuilderFlags.Parse(request.Line, request.Keyword, words, strings, lists, booleans);
    }

    private static FromInstruction From(Request request)
    {
        var flags = request.Flags;
        var args = DockerfileWords.Whitespace(request.Args);
        string? name = null;
        if (args.Count == 3 && args[1].Equals("as", StringComparison.OrdinalIgnoreCase))
        {
            name = args[2].ToLowerInvariant();
            if (!StageName().IsMatch(name))
            {
                throw request.Error($"invalid name for build stage: \"{args[2]}\", name can't start with a number or contain symbols");
            }
        }
        else if (args.Count != 1)
        {
            throw request.Error("FROM requires either one or three arguments: FROM image [AS name]");
        }

        return new FromInstruction(request.Line, request.Text, args[0], name, flags.String("platform"));
    }

    private static ArgInstruction Arg(Request request)
    {
        var words = DockerfileWords.QuotedWords(request.Args, request.Escape);
        var args = new List<KeyValuePair<string, string?>>();
        foreach (var word in AtLeastOne(request, words))
        {
            var equals = word.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? word : word[..equals];
            if (name.Length == 0)
            {
                throw request.Error("ARG names can not be blank");
            }

            args.Add(new(name, equals < 0 ? null : word[(equals + 1)..]));
        }

        return new ArgInstruction(request.Line, request.Text, args);
    }

    /// <summary>ENV and LABEL: <c>k=v ...</c>, or the legacy <c>k v</c> where v is the rest of the line.</summary>
    private static List<KeyValuePair<string, string>> NameValues(Request request)
    {
        var words = AtLeastOne(request, DockerfileWords.QuotedWords(request.Args, request.Escape));
        var pairs = new List<KeyValuePair<string, string>>();
        if (!words[0].Contains('=', StringComparison.Ordinal))
        {
            var parts = request.Args.Split([' ', '\t', '\v', '\f', '\r'], 2, StringSplitOptions.None);
            if (parts.Length < 2)
            {
                throw request.Error($"{request.Keyword} must have two arguments: {request.Keyword} name=value or {request.Keyword} name value");
            }

            pairs.Add(new(parts[0], parts[1].TrimStart()));
        }
        else
        {
            foreach (var word in words)
            {
                var equals = word.IndexOf('=', StringComparison.Ordinal);
                if (equals < 0)
                {
                    throw request.Error($"Syntax error - can't find = in \"{word}\". Must be of the form: name=value");
                }

                pairs.Add(new(word[..equals], word[(equals + 1)..]));
            }
        }

        if (pairs.Any(p => p.Key.Length == 0))
        {
            throw request.Error($"{request.Keyword} names can not be blank");
        }

        return pairs;
    }

    private static RunInstruction Run(Request request)
    {
        var flags = request.Flags;
        if (flags.String("network") is { } network && network is not ("default" or "none" or "host"))
        {
            throw request.Error($"RUN --network={network} is not supported: use default, none or host");
        }

        if (request.Args.Length == 0)
        {
            throw request.Error("RUN requires at least one argument");
        }

        return new RunInstruction(request.Line, request.Text, Command(request), request.Heredocs, flags.String("network"), flags.List("mount"));
    }

    private static ShellInstruction Shell(Request request)
    {
        var json = DockerfileWords.JsonArray(request.Args, request.Line)
            ?? throw request.Error("SHELL requires the arguments to be in JSON form");
        return new ShellInstruction(request.Line, request.Text, AtLeastOne(request, json));
    }

    private static CopyInstruction Copy(Request request, bool isAdd)
    {
        var flags = request.Flags;
        var args = DockerfileWords.JsonArray(request.Args, request.Line) ?? DockerfileWords.Whitespace(request.Args);
        if (args.Count < 2)
        {
            throw request.Error($"{request.Keyword} requires at least two arguments, but only {args.Count} was provided. Destination could not be determined");
        }

        var destination = args[^1];
        if (HeredocWords.Parse(destination) is not null)
        {
            throw request.Error($"{request.Keyword} cannot accept a heredoc as a destination");
        }

        var byName = request.Heredocs.GroupBy(h => h.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var sources = new List<string>();
        var heredocs = new List<Heredoc>();
        foreach (var source in args.Take(args.Count - 1))
        {
            if (HeredocWords.Parse(source) is { } marker && byName.TryGetValue(marker.Name, out var heredoc))
            {
                heredocs.Add(heredoc);
            }
            else
            {
                sources.Add(source);
            }
        }

        return new CopyInstruction(
            request.Line, request.Text, isAdd, sources, destination, flags.String("from"), flags.String("chown"),
            flags.String("chmod"), flags.Boolean("link"), flags.String("checksum"), heredocs);
    }

    private static VolumeInstruction Volume(Request request)
    {
        var paths = AtLeastOne(request, DockerfileWords.JsonArray(request.Args, request.Line) ?? DockerfileWords.Whitespace(request.Args));
        if (paths.Any(p => p.Trim().Length == 0))
        {
            throw request.Error("VOLUME specified can not be an empty string");
        }

        return new VolumeInstruction(request.Line, request.Text, paths);
    }

    private static OnbuildInstruction Onbuild(Request request)
    {
        if (request.Args.Length == 0)
        {
            throw request.Error("ONBUILD requires at least one argument");
        }

        var triggerKeyword = request.Args.Split([' ', '\t'], 2)[0].ToUpperInvariant();
        switch (triggerKeyword)
        {
            case "ONBUILD":
                throw request.Error("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
            case "FROM" or "MAINTAINER":
                throw request.Error($"{triggerKeyword} isn't allowed as an ONBUILD trigger");
        }

        var triggerText = OnbuildPrefix().Replace(request.Text, "");
        var trigger = Parse(new LogicalLine(request.Line, triggerText, []), request.Escape);
        return new OnbuildInstruction(request.Line, request.Text, trigger, triggerText);
    }

    /// <summary>Shell form keeps the text; a valid JSON string array is exec form; other JSON-looking text falls back to shell form.</summary>
    private static CommandForm Command(Request request)
    {
        if (DockerfileWords.JsonArray(request.Args, request.Line) is { } exec)
        {
            return new CommandForm(true, exec, "");
        }

        return new CommandForm(false, None, request.Args);
    }

    private static string Single(Request request)
    {
        if (request.Args.Length == 0)
        {
            throw request.Error($"{request.Keyword} requires exactly one argument");
        }

        return request.Args;
    }

    private static List<T> AtLeastOne<T>(Request request, List<T> values) =>
        values.Count > 0 ? values : throw request.Error($"{request.Keyword} requires at least one argument");

    internal static int ParseRetries(Request request, string value) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var retries)
            ? retries >= 0 ? retries : throw request.Error($"--retries cannot be negative ({retries})")
            : throw request.Error($"HEALTHCHECK --retries={value} is not a whole number");

    [GeneratedRegex(@"^[a-z][a-z0-9\-_\.]*$")]
    private static partial Regex StageName();

    [GeneratedRegex(@"^\s*ONBUILD\s*", RegexOptions.IgnoreCase)]
    private static partial Regex OnbuildPrefix();

    /// <summary>The pieces of one instruction being parsed.</summary>
    internal sealed class Request(int line, string text, string keyword, char escape, IReadOnlyList<Heredoc> heredocs)
    {
        public int Line => line;

        public string Text => text;

        public string Keyword => keyword;

        public char Escape => escape;

        public IReadOnlyList<Heredoc> Heredocs => heredocs;

        public BuilderFlags Flags { get; set; } = null!;

        public string Args { get; set; } = "";

        public DockerfileSyntaxException Error(string problem) => new(line, problem);
    }
}
