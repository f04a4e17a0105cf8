using System.Globalization;
using Minato.Docker.Http;

namespace Minato.Docker.Events;

/// <summary>The <c>filters</c>, <c>since</c> and <c>until</c> of <c>GET /events</c>, matched as dockerd matches them.</summary>
public sealed class EventFilter
{
    private static readonly string[] Accepted = ["type", "event", "container", "image", "volume", "network", "label", "scope", "daemon"];
    private readonly Filters filters;

    private EventFilter(Filters filters, long since, long until)
    {
        this.filters = filters;
        Since = since;
        Until = until;
    }

    /// <summary>Earliest event time wanted (Unix nanoseconds); <see cref="long.MinValue"/> when not given.</summary>
    public long Since { get; }

    /// <summary>Latest event time wanted (Unix nanoseconds); <see cref="long.MaxValue"/> when not given.</summary>
    public long Until { get; }

    /// <summary>Reads the request's parameters.</summary>
    /// <exception cref="DockerApiException">400: an unknown filter or a malformed time.</exception>
    public static EventFilter Parse(Filters filters, string? since, string? until)
    {
        ArgumentNullException.ThrowIfNull(filters);
        filters.Validate(Accepted);
        return new EventFilter(filters, ParseTime("since", since) ?? long.MinValue, ParseTime("until", until) ?? long.MaxValue);
    }

    /// <summary>
    /// Parses dockerd's timestamps: Unix seconds with an optional fraction of up to nine digits (<c>1700000000.5</c>),
    /// as the CLI sends them after turning durations and dates into timestamps.
    /// </summary>
    internal static long? ParseTime(string name, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var whole = dot < 0 ? text : text[..dot];
        var fraction = dot < 0 ? "" : text[(dot + 1)..];
        if (!long.TryParse(whole, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds) ||
            fraction.Length > 9 || !fraction.All(char.IsAsciiDigit) || Math.Abs(seconds) > 9_000_000_000)
        {
            throw DockerApiException.BadRequest($"invalid value for {name}: \"{(text.Length > 40 ? text[..40] + "..." : text)}\" is not a Unix timestamp (seconds[.nanoseconds])");
        }

        var nanos = fraction.Length == 0 ? 0 : long.Parse(fraction.PadRight(9, '0'), CultureInfo.InvariantCulture);
        return seconds * 1_000_000_000 + (seconds < 0 ? -nanos : nanos);
    }

    /// <summary>True when <paramref name="message"/> falls in the time range and passes every filter.</summary>
    public bool Matches(DockerEvent message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var attributes = message.Actor.Attributes;
        var name = attributes.GetValueOrDefault("name") ?? "";
        return message.TimeNano >= Since && message.TimeNano <= Until &&
            Exact("type", message.Type) &&
            Any("event", e => e == message.Action || message.Action.StartsWith(e + ":", StringComparison.Ordinal)) &&
            Any("scope", s => s == message.Scope) &&
            Fuzzy("container", message.Actor.ID, name) &&
            Fuzzy("volume", message.Actor.ID, name) &&
            Fuzzy("network", message.Actor.ID, name) &&
            MatchesImage(message) &&
            filters.Get("label").All(l => HasAttribute(attributes, l));
    }

    // dockerd: an image event names its image in "name", a container event in "image"; tags may be left out.
    private bool MatchesImage(DockerEvent message)
    {
        var id = message.Actor.ID;
        var image = message.Actor.Attributes.GetValueOrDefault(message.Type == "image" ? "name" : "image") ?? "";
        return Any("image", i => i == id || i == image || i == StripTag(id) || i == StripTag(image));
    }

    private bool Exact(string filter, string value) => Any(filter, v => v == value);

    // dockerd's FuzzyMatch: the value given is the actor's id, a prefix of it, or its name.
    private bool Fuzzy(string filter, string id, string name) =>
        Any(filter, v => v.Length > 0 && (id.StartsWith(v, StringComparison.Ordinal) || name.StartsWith(v, StringComparison.Ordinal)));

    private bool Any(string filter, Func<string, bool> match)
    {
        var given = filters.Get(filter);
        return given.Count == 0 || given.Any(match);
    }

    private static bool HasAttribute(IReadOnlyDictionary<string, string> attributes, string filter)
    {
        var equals = filter.IndexOf('=', StringComparison.Ordinal);
        return equals < 0
            ? attributes.ContainsKey(filter)
            : attributes.TryGetValue(filter[..equals], out var value) && value == filter[(equals + 1)..];
    }

    private static string StripTag(string reference)
    {
        var at = reference.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            return reference[..at];
        }

        var colon = reference.LastIndexOf(':');
        return colon > reference.LastIndexOf('/') ? reference[..colon] : reference;
    }
}
