namespace Minato.Cri.Network;

/// <summary>Parsing: text and <c>{{ }}</c> actions into a small tree, refusing every action outside the supported forms.</summary>
public sealed partial class CniConfigTemplate
{
    private const string Supported =
        "supported are {{.PodCIDR}}, {{$.PodCIDR}}, {{range $i, $x := .PodCIDRRanges}} (or .Routes; also {{range $x := ...}} " +
        "and {{range ...}}) with {{$x}} or {{.}} and {{if $i}}...{{end}} inside, {{end}}, {{/* comments */}}, and {{- -}} trimming";

    /// <summary>Parses template text; <paramref name="name"/> is used in messages.</summary>
    /// <exception cref="FormatException">A construct is not supported or the template is malformed; the message names the line.</exception>
    public static CniConfigTemplate Parse(string name, string text)
    {
        var root = new Frame(null, 0, [], null, null);
        var frame = root;
        foreach (var segment in Segments(name, text))
        {
            if (segment.Action is not { } action)
            {
                if (segment.Text.Length > 0)
                {
                    frame.Nodes.Add(new TextNode(segment.Text));
                }

                continue;
            }

            frame = Apply(name, segment.Line, action, frame);
        }

        if (!ReferenceEquals(frame, root))
        {
            throw new FormatException($"{name}:{frame.Line}: {frame.Opening} has no {{{{end}}}}");
        }

        return new CniConfigTemplate(name, root.Nodes);
    }

    /// <summary>Adds one action to the tree; returns the frame the next node goes into.</summary>
    private static Frame Apply(string name, int line, string action, Frame frame)
    {
        FormatException Refuse(string why) => new($"{name}:{line}: {{{{{action}}}}} {why}");
        var words = action.Replace(",", " , ", StringComparison.Ordinal).Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        var range = frame.InRange;
        switch (words)
        {
            case []:
                throw Refuse("is empty");
            case ["end"]:
                return frame.Parent ?? throw Refuse("has no {{range}} or {{if}} to end");
            case ["range", .. var header]:
                if (range is not null)
                {
                    throw Refuse("is a range inside a range, which no CNI template needs; " + Supported);
                }

                var (index, element, list) = header switch
                {
                    [var i, ",", var e, ":=", var l] when IsVariable(i) && IsVariable(e) && i != e => (i, e, l),
                    [var e, ":=", var l] when IsVariable(e) => (null, e, l),
                    [var l] => ((string?)null, (string?)null, l),
                    _ => throw Refuse("is not a supported range; " + Supported),
                };
                var field = list switch
                {
                    ".PodCIDRRanges" or "$.PodCIDRRanges" => ListField.PodCidrRanges,
                    ".Routes" or "$.Routes" => ListField.Routes,
                    _ => throw Refuse("ranges over something other than .PodCIDRRanges or .Routes"),
                };
                var node = new RangeNode(field, index, element, []);
                frame.Nodes.Add(node);
                return new Frame(frame, line, node.Body, node, "{{" + action.Trim() + "}}");
            case ["if", var variable]:
                var source = Resolve(range, variable) ?? throw Refuse("tests something other than a variable of the enclosing range; " + Supported);
                var condition = new IfNode(source, []);
                frame.Nodes.Add(condition);
                return new Frame(frame, line, condition.Body, range, "{{" + action.Trim() + "}}");
            case [var value]:
                frame.Nodes.Add(new ValueNode(value switch
                {
                    "$.PodCIDR" => ValueSource.PodCidr,
                    ".PodCIDR" when range is null => ValueSource.PodCidr,
                    ".PodCIDR" => throw Refuse("is inside a range, where '.' is the range's item (use {{$.PodCIDR}})"),
                    ".PodCIDRRanges" or ".Routes" or "$.PodCIDRRanges" or "$.Routes" => throw Refuse("prints a list; use {{range}}"),
                    _ => Resolve(range, value) ?? throw Refuse("is not supported; " + Supported),
                }));
                return frame;
            default:
                throw Refuse("is not supported; " + Supported);
        }
    }

    /// <summary>What <paramref name="word"/> names inside <paramref name="range"/>: its index, its item, or nothing known.</summary>
    private static ValueSource? Resolve(RangeNode? range, string word) => range switch
    {
        null => null,
        _ when word == "." => ValueSource.Element,
        _ when word == range.IndexVariable => ValueSource.Index,
        _ when word == range.ElementVariable => ValueSource.Element,
        _ => null,
    };

    private static bool IsVariable(string word) =>
        word.Length > 1 && word[0] == '$' && (char.IsAsciiLetter(word[1]) || word[1] == '_') &&
        word.Skip(1).All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>Splits the text into plain text and actions, applying the trim markers and dropping comments.</summary>
    private static List<Segment> Segments(string name, string text)
    {
        var segments = new List<Segment>();
        var position = 0;
        var line = 1;
        var trimNext = false;
        while (position < text.Length)
        {
            var open = text.IndexOf("{{", position, StringComparison.Ordinal);
            var plain = text[position..(open < 0 ? text.Length : open)];
            line += plain.Count(c => c == '\n');
            if (open < 0)
            {
                segments.Add(new Segment(trimNext ? plain.TrimStart(Blanks) : plain, null, line));
                break;
            }

            // Go's trim markers: "{{- " and " -}}", the dash with white space on its inner side.
            var start = open + 2;
            var trimBefore = start + 1 < text.Length && text[start] == '-' && char.IsWhiteSpace(text[start + 1]);
            if (trimBefore)
            {
                start++;
            }

            var comment = text.AsSpan(start).TrimStart(Blanks).StartsWith("/*", StringComparison.Ordinal);
            var searchFrom = comment ? text.IndexOf("*/", start, StringComparison.Ordinal) : start;
            var close = searchFrom < 0 ? -1 : text.IndexOf("}}", searchFrom, StringComparison.Ordinal);
            if (close < 0)
            {
                throw new FormatException($"{name}:{line}: {(comment ? "comment" : "action")} opened with {{{{ is never closed");
            }

            var inner = text[start..close];
            var trimAfter = inner.Length >= 2 && inner[^1] == '-' && char.IsWhiteSpace(inner[^2]);
            if (trimAfter)
            {
                inner = inner[..^1];
            }

            if (trimNext)
            {
                plain = plain.TrimStart(Blanks);
            }

            segments.Add(new Segment(trimBefore ? plain.TrimEnd(Blanks) : plain, null, line));
            if (comment && !inner.Trim(Blanks).EndsWith("*/", StringComparison.Ordinal))
            {
                throw new FormatException($"{name}:{line}: a comment must end with */ right before }}}}");
            }

            if (!comment)
            {
                segments.Add(new Segment("", inner, line));
            }

            line += inner.Count(c => c == '\n');
            trimNext = trimAfter;
            position = close + 2;
        }

        return segments;
    }

    private static readonly char[] Blanks = [' ', '\t', '\r', '\n'];

    /// <summary>Plain text, or an action's inner text.</summary>
    private sealed record Segment(string Text, string? Action, int Line);

    /// <summary>An open <c>{{range}}</c> or <c>{{if}}</c> (or the template itself) that nodes are added to.</summary>
    private sealed record Frame(Frame? Parent, int Line, List<Node> Nodes, RangeNode? InRange, string? Opening);
}
