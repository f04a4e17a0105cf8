namespace Minato.Build.Dockerfile;

/// <summary>One Dockerfile instruction; words are kept unexpanded, the executor expands them as Docker does per instruction.</summary>
/// <remarks>Line: 1-based line of the instruction's keyword. Text: The instruction as Docker prints it in <c>Step N/M : ...</c>: keyword upper-cased, continuations joined.</remarks>
public abstract record Instruction(int Line, string Text);

/// <summary><c>FROM [--platform=P] image [AS name]</c>.</summary>
/// <remarks>Name: The stage name, lower-cased; null without <c>AS</c>.</remarks>
public sealed record FromInstruction(int Line, string Text, string Image, string? Name, string? Platform) : Instruction(Line, Text);

/// <summary><c>ARG name[=default] ...</c>; a null value means no default.</summary>
public sealed record ArgInstruction(int Line, string Text, IReadOnlyList<KeyValuePair<string, string?>> Args) : Instruction(Line, Text);

/// <summary><c>ENV k=v ...</c> or the legacy <c>ENV k v</c>.</summary>
public sealed record EnvInstruction(int Line, string Text, IReadOnlyList<KeyValuePair<string, string>> Variables) : Instruction(Line, Text);

/// <summary><c>LABEL k=v ...</c>.</summary>
public sealed record LabelInstruction(int Line, string Text, IReadOnlyList<KeyValuePair<string, string>> Labels) : Instruction(Line, Text);

/// <summary><c>RUN [--network=M] [--mount=...] command</c>, possibly with here-documents.</summary>
/// <remarks>Network: The <c>--network</c> value, null when not given. Mounts: Each <c>--mount</c> value as written; the executor refuses what it cannot do.</remarks>
public sealed record RunInstruction(
    int Line,
    string Text,
    CommandForm Command,
    IReadOnlyList<Heredoc> Heredocs,
    string? Network,
    IReadOnlyList<string> Mounts) : Instruction(Line, Text);

/// <summary><c>CMD</c> in exec or shell form.</summary>
public sealed record CmdInstruction(int Line, string Text, CommandForm Command) : Instruction(Line, Text);

/// <summary><c>ENTRYPOINT</c> in exec or shell form.</summary>
public sealed record EntrypointInstruction(int Line, string Text, CommandForm Command) : Instruction(Line, Text);

/// <summary><c>SHELL ["executable", "parameters"]</c> (JSON form only).</summary>
public sealed record ShellInstruction(int Line, string Text, IReadOnlyList<string> Shell) : Instruction(Line, Text);

/// <summary><c>COPY</c> or <c>ADD</c> with their flags; here-documents stand for sources named by their delimiter.</summary>
/// <remarks>IsAdd: True for ADD. From: The <c>--from</c> stage name, index or image; null for the build context. Checksum: ADD's <c>--checksum</c> value.</remarks>
public sealed record CopyInstruction(
    int Line,
    string Text,
    bool IsAdd,
    IReadOnlyList<string> Sources,
    string Destination,
    string? From,
    string? Chown,
    string? Chmod,
    bool Link,
    string? Checksum,
    IReadOnlyList<Heredoc> Heredocs) : Instruction(Line, Text);

/// <summary><c>WORKDIR path</c>.</summary>
public sealed record WorkdirInstruction(int Line, string Text, string Path) : Instruction(Line, Text);

/// <summary><c>USER user[:group]</c>.</summary>
public sealed record UserInstruction(int Line, string Text, string User) : Instruction(Line, Text);

/// <summary><c>EXPOSE port[/proto] ...</c>.</summary>
public sealed record ExposeInstruction(int Line, string Text, IReadOnlyList<string> Ports) : Instruction(Line, Text);

/// <summary><c>VOLUME</c> in JSON or space-separated form.</summary>
public sealed record VolumeInstruction(int Line, string Text, IReadOnlyList<string> Paths) : Instruction(Line, Text);

/// <summary><c>STOPSIGNAL signal</c>.</summary>
public sealed record StopSignalInstruction(int Line, string Text, string Signal) : Instruction(Line, Text);

/// <summary><c>MAINTAINER name</c> (deprecated, sets the image's author).</summary>
public sealed record MaintainerInstruction(int Line, string Text, string Name) : Instruction(Line, Text);

/// <summary><c>HEALTHCHECK [options] CMD command</c> or <c>HEALTHCHECK NONE</c>.</summary>
/// <remarks>Test: The command; null for <c>NONE</c>.</remarks>
public sealed record HealthcheckInstruction(
    int Line,
    string Text,
    CommandForm? Test,
    TimeSpan? Interval,
    TimeSpan? Timeout,
    TimeSpan? StartPeriod,
    TimeSpan? StartInterval,
    int? Retries) : Instruction(Line, Text);

/// <summary><c>ONBUILD trigger</c>: an instruction run when the image is used as a base.</summary>
/// <remarks>Trigger: The parsed trigger instruction. TriggerText: The trigger as written, stored in the image config's OnBuild list.</remarks>
public sealed record OnbuildInstruction(int Line, string Text, Instruction Trigger, string TriggerText) : Instruction(Line, Text);
