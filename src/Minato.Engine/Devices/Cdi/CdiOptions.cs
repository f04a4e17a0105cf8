namespace Minato.Engine.Devices.Cdi;

/// <summary>Where CDI specs are read from and how much of them is read.</summary>
public sealed record CdiOptions
{
    /// <summary>The CDI specification's default directories: static specs, then generated ones.</summary>
    public static readonly IReadOnlyList<string> DefaultSpecDirectories = ["/etc/cdi", "/var/run/cdi"];

    /// <summary>Spec directories (<c>cdi_spec_dirs</c>), lowest priority first: a device defined in a later directory
    /// replaces the same device of an earlier one, as in CDI's own loader. A missing directory is skipped.</summary>
    public IReadOnlyList<string> SpecDirectories { get; init; } = DefaultSpecDirectories;

    /// <summary>The largest spec file read; a generated GPU spec listing every driver library is some tens of KiB.</summary>
    public int MaxSpecBytes { get; init; } = 4 << 20;

    /// <summary>Most spec files read from one directory; later files (in name order) are reported and ignored.</summary>
    public int MaxSpecFiles { get; init; } = 1024;

    /// <summary>Most devices one container may request (after <c>=all</c> expands).</summary>
    public int MaxDevicesPerContainer { get; init; } = 256;
}
