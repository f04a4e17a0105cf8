using Minato.Build.Dockerfile;

namespace Minato.Tests.Build.Dockerfile;

public sealed class DockerfileParserTests
{
    private static T Single<T>(string dockerfile)
        where T : Instruction =>
        Assert.IsType<T>(Assert.Single(DockerfileParser.Parse("FROM busybox\n" + dockerfile).Stages[0].Instructions));

    private static DockerfileSyntaxException Fails(string dockerfile) =>
        Assert.Throws<DockerfileSyntaxException>(() => DockerfileParser.Parse(dockerfile));

    [Fact]
    public void Parse_MultiStage_KeepsStagesNamesLinesAndText()
    {
        var document = DockerfileParser.Parse("""
            # a comment
            ARG VERSION=1.36
            FROM busybox:${VERSION} AS Builder
            run echo hi > /x

            FROM --platform=linux/amd64 scratch
            COPY --from=builder /x /x
            """);

        var global = Assert.Single(document.GlobalArgs);
        Assert.Equal("VERSION", global.Args[0].Key);
        Assert.Equal("1.36", global.Args[0].Value);
        Assert.Equal(2, document.Stages.Count);
        var builder = document.Stages[0];
        Assert.Equal(0, builder.Index);
        Assert.Equal("builder", builder.Name);
        Assert.Equal("busybox:${VERSION}", builder.From.Image);
        Assert.Equal(3, builder.From.Line);
        var run = Assert.IsType<RunInstruction>(Assert.Single(builder.Instructions));
        Assert.Equal(4, run.Line);
        Assert.Equal("RUN echo hi > /x", run.Text);
        Assert.Equal("echo hi > /x", run.Command.Shell);
        Assert.False(run.Command.IsExec);
        var final = document.Stages[1];
        Assert.Null(final.Name);
        Assert.Equal("linux/amd64", final.From.Platform);
        Assert.Equal("scratch", final.From.Image);
        Assert.Equal('\\', document.Escape);
        Assert.Empty(document.Warnings);
    }

    [Fact]
    public void Parse_Continuations_JoinLinesDropCommentsAndWarnOnEmptyLines()
    {
        var document = DockerfileParser.Parse("FROM busybox\nRUN echo hello \\\n# a comment inside\n\n  world \\\n   again\nCMD x\n");

        var run = Assert.IsType<RunInstruction>(document.Stages[0].Instructions[0]);
        Assert.Equal(2, run.Line);
        Assert.Equal("echo hello   world    again", run.Command.Shell);
        Assert.Equal("RUN echo hello   world    again", run.Text);
        Assert.Equal(7, document.Stages[0].Instructions[1].Line);
        Assert.Contains(document.Warnings, w => w.Contains("empty continuation line", StringComparison.Ordinal) && w.Contains("line 2", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_EscapeDirectiveBacktick_ContinuesWithBacktickAndKeepsBackslashes()
    {
        var document = DockerfileParser.Parse("# escape=`\n\nFROM windows\nCOPY testfile.txt c:\\ `\n  d:\\dest\\\n");

        Assert.Equal('`', document.Escape);
        var copy = Assert.IsType<CopyInstruction>(Assert.Single(document.Stages[0].Instructions));
        Assert.Equal(["testfile.txt", "c:\\"], copy.Sources);
        Assert.Equal("d:\\dest\\", copy.Destination);
        Assert.Equal(4, copy.Line);
    }

    [Fact]
    public void Parse_DirectiveAfterComment_IsAComment()
    {
        var document = DockerfileParser.Parse("# about\n# escape=`\nFROM busybox\nRUN a \\\n b\n");

        Assert.Equal('\\', document.Escape);
        Assert.Equal("a  b", Assert.IsType<RunInstruction>(document.Stages[0].Instructions[0]).Command.Shell);
    }

    [Fact]
    public void Parse_SyntaxDirective_IsIgnoredWithAWarning()
    {
        var document = DockerfileParser.Parse("# syntax=docker/dockerfile:1\n# escape=\\\nFROM busybox\n");

        Assert.Contains(document.Warnings, w => w.Contains("syntax parser directive", StringComparison.Ordinal) && w.Contains("docker/dockerfile:1", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("# escape=x\nFROM a\n", 1, "invalid escape token 'x'")]
    [InlineData("# escape=`\n# escape=\\\nFROM a\n", 2, "only one escape parser directive")]
    public void Parse_BadDirective_FailsNamingTheLine(string dockerfile, int line, string problem)
    {
        var error = Fails(dockerfile);

        Assert.StartsWith($"Dockerfile parse error on line {line}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ByteOrderMarkAndCrLf_AreAccepted()
    {
        var document = DockerfileParser.Parse("\uFEFFFROM busybox\r\nRUN echo a \\\r\n b\r\n");

        Assert.Equal("echo a  b", Assert.IsType<RunInstruction>(document.Stages[0].Instructions[0]).Command.Shell);
    }

    [Fact]
    public void Parse_RunHeredoc_ReadsContentAndExpandsUnquoted()
    {
        var document = DockerfileParser.Parse("FROM busybox\nRUN <<EOF\necho $HOME\n  indented\nEOF\nCMD [\"sh\"]\n");

        var run = Assert.IsType<RunInstruction>(document.Stages[0].Instructions[0]);
        Assert.Equal("<<EOF", run.Command.Shell);
        var heredoc = Assert.Single(run.Heredocs);
        Assert.Equal(new Heredoc("EOF", "echo $HOME\n  indented\n", Expand: true, Chomp: false), heredoc);
        var cmd = Assert.IsType<CmdInstruction>(document.Stages[0].Instructions[1]);
        Assert.Equal(6, cmd.Line);
    }

    [Theory]
    [InlineData("<<'EOF'")]
    [InlineData("<<\"EOF\"")]
    [InlineData("<<E\"O\"F")]
    public void Parse_QuotedHeredocDelimiter_DisablesExpansion(string marker)
    {
        var run = Single<RunInstruction>($"RUN {marker}\necho $HOME\nEOF\n");

        var heredoc = Assert.Single(run.Heredocs);
        Assert.Equal("EOF", heredoc.Name);
        Assert.False(heredoc.Expand);
    }

    [Fact]
    public void Parse_ChompHeredoc_StripsLeadingTabsAndMatchesTabbedDelimiter()
    {
        var run = Single<RunInstruction>("RUN <<-EOF\n\t\techo a\n\t  b\n\tEOF\n");

        var heredoc = Assert.Single(run.Heredocs);
        Assert.True(heredoc.Chomp);
        Assert.Equal("echo a\n  b\n", heredoc.Content);
    }

    [Fact]
    public void Parse_SeveralHeredocsOnOneLine_ReadInOrder()
    {
        var run = Single<RunInstruction>("RUN <<FILE1 cat > /f1 && <<FILE2 cat > /f2\nI am\nfirst\nFILE1\nI am\nsecond\nFILE2\n");

        Assert.Equal(["FILE1", "FILE2"], run.Heredocs.Select(h => h.Name));
        Assert.Equal("I am\nfirst\n", run.Heredocs[0].Content);
        Assert.Equal("I am\nsecond\n", run.Heredocs[1].Content);
        Assert.Equal("<<FILE1 cat > /f1 && <<FILE2 cat > /f2", run.Command.Shell);
    }

    [Fact]
    public void Parse_CopyHeredoc_BecomesAHeredocSourceNotAPath()
    {
        var document = DockerfileParser.Parse("FROM busybox\nCOPY <<EOF a.txt /dest/\nhello\nEOF\nRUN true\n");

        var copy = Assert.IsType<CopyInstruction>(document.Stages[0].Instructions[0]);
        Assert.Equal(["a.txt"], copy.Sources);
        Assert.Equal("/dest/", copy.Destination);
        Assert.Equal(new Heredoc("EOF", "hello\n", true, false), Assert.Single(copy.Heredocs));
        Assert.Equal(5, document.Stages[0].Instructions[1].Line);
    }

    [Fact]
    public void Parse_UnterminatedHeredoc_FailsNamingTheLine()
    {
        var error = Fails("FROM busybox\nRUN <<EOF\necho\n");

        Assert.StartsWith("Dockerfile parse error on line 2: unterminated heredoc", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_HeredocMarkerInOtherInstructions_IsPlainText()
    {
        var cmd = Single<CmdInstruction>("CMD cat <<EOF");

        Assert.Equal("cat <<EOF", cmd.Command.Shell);
    }

    [Theory]
    [InlineData("RUN [\"echo\", \"a b\"]", true)]
    [InlineData("RUN [ \"echo\" ]", true)]
    [InlineData("RUN [\"echo\", ]", false)]
    [InlineData("RUN [echo]", false)]
    [InlineData("RUN echo [\"a\"]", false)]
    public void Parse_RunForms_ExecOnlyForValidJsonArrays(string line, bool exec)
    {
        var run = Single<RunInstruction>(line);

        Assert.Equal(exec, run.Command.IsExec);
        if (exec)
        {
            Assert.Empty(run.Command.Shell);
            Assert.Equal("echo", run.Command.Arguments[0]);
        }
        else
        {
            Assert.Equal(line[4..], run.Command.Shell);
            Assert.Empty(run.Command.Arguments);
        }
    }

    [Fact]
    public void Parse_JsonArrayWithNonString_Fails()
    {
        var error = Fails("FROM a\nCMD [\"a\", 1]\n");

        Assert.StartsWith("Dockerfile parse error on line 2: when using JSON array syntax", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RunFlags_NetworkAndMounts()
    {
        var run = Single<RunInstruction>("RUN --network=none --mount=type=cache,target=/c --mount=type=tmpfs,target=/t echo");

        Assert.Equal("none", run.Network);
        Assert.Equal(["type=cache,target=/c", "type=tmpfs,target=/t"], run.Mounts);
        Assert.Equal("echo", run.Command.Shell);
        Assert.Equal("RUN --network=none --mount=type=cache,target=/c --mount=type=tmpfs,target=/t echo", run.Text);
    }

    [Fact]
    public void Parse_CopyFlags_AllKept()
    {
        var copy = Single<CopyInstruction>("COPY --from=build --chown=1000:1000 --chmod=0755 --link a b* /dst/");

        Assert.False(copy.IsAdd);
        Assert.Equal("build", copy.From);
        Assert.Equal("1000:1000", copy.Chown);
        Assert.Equal("0755", copy.Chmod);
        Assert.True(copy.Link);
        Assert.Equal(["a", "b*"], copy.Sources);
        Assert.Equal("/dst/", copy.Destination);
    }

    [Fact]
    public void Parse_AddFlags_ChecksumAndKeepGitDir()
    {
        var add = Single<CopyInstruction>("ADD --checksum=sha256:abc --keep-git-dir=true --link=false [\"a b\", \"/c\"]");

        Assert.True(add.IsAdd);
        Assert.Equal("sha256:abc", add.Checksum);
        Assert.False(add.Link);
        Assert.Equal(["a b"], add.Sources);
        Assert.Equal("/c", add.Destination);
    }

    [Theory]
    [InlineData("COPY --from=a a /b", "ADD")]
    [InlineData("COPY --checksum=x a /b", "COPY")]
    [InlineData("RUN --foo echo", "RUN")]
    [InlineData("ENV --x=1 a=b", "ENV")]
    public void Parse_UnknownFlag_FailsNamingTheFlagAndLine(string line, string keyword)
    {
        var text = keyword == "ADD" ? "ADD" + line[4..] : line;

        var error = Fails("FROM a\n\n" + text + "\n");

        Assert.StartsWith("Dockerfile parse error on line 3: unknown flag: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("COPY --from a /b", "missing a value on flag: from")]
    [InlineData("COPY --link=maybe a /b", "expecting boolean value for flag link")]
    [InlineData("COPY --from=x --from=y a /b", "duplicate flag specified: from")]
    [InlineData("RUN --network=bridge2 true", "--network=bridge2 is not supported")]
    [InlineData("COPY onlyone", "requires at least two arguments")]
    [InlineData("COPY a <<EOF\nx\nEOF", "heredoc as a destination")]
    public void Parse_BadFlagsOrArguments_Fail(string line, string problem)
    {
        var error = Fails("FROM a\n" + line + "\n");

        Assert.StartsWith("Dockerfile parse error on line 2: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EnvForms_NewAndLegacy()
    {
        var env = Single<EnvInstruction>("ENV MY_NAME=\"John Doe\" MY_DOG=Rex\\ The\\ Dog MY_CAT=fluffy");
        var legacy = Single<EnvInstruction>("ENV MY_VAR my-value with spaces");

        Assert.Equal(
            [new("MY_NAME", "\"John Doe\""), new("MY_DOG", "Rex\\ The\\ Dog"), new KeyValuePair<string, string>("MY_CAT", "fluffy")],
            env.Variables);
        Assert.Equal([new KeyValuePair<string, string>("MY_VAR", "my-value with spaces")], legacy.Variables);
    }

    [Theory]
    [InlineData("ENV", "ENV requires at least one argument")]
    [InlineData("ENV ONLY", "ENV must have two arguments")]
    [InlineData("ENV a=b c", "can't find = in \"c\"")]
    [InlineData("LABEL =x", "LABEL names can not be blank")]
    public void Parse_BadEnvOrLabel_Fails(string line, string problem)
    {
        Assert.Contains(problem, Fails("FROM a\n" + line + "\n").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Label_KeepsQuotedKeysAndMultilineValues()
    {
        var label = Single<LabelInstruction>("LABEL \"com.example.vendor\"=\"ACME Incorporated\" \\\n  version=\"1.0\" description=\"This text illustrates \\\n that label-values can span multiple lines.\"");

        Assert.Equal("\"com.example.vendor\"", label.Labels[0].Key);
        Assert.Equal("\"ACME Incorporated\"", label.Labels[0].Value);
        Assert.Equal("version", label.Labels[1].Key);
        Assert.Equal("\"This text illustrates  that label-values can span multiple lines.\"", label.Labels[2].Value);
    }

    [Fact]
    public void Parse_Arg_SeveralPerLineWithAndWithoutDefaults()
    {
        var arg = Single<ArgInstruction>("ARG user1=someuser buildno CONT_IMG_VER=\"v 1\" EMPTY=");

        Assert.Equal(
            [new("user1", "someuser"), new("buildno", null), new("CONT_IMG_VER", "\"v 1\""), new KeyValuePair<string, string?>("EMPTY", "")],
            arg.Args);
    }

    [Fact]
    public void Parse_ArgBlankName_Fails()
    {
        Assert.Contains("ARG names can not be blank", Fails("FROM a\nARG =x\n").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CmdEntrypointShell_Forms()
    {
        var document = DockerfileParser.Parse("""
            FROM busybox
            CMD ["executable","param1","param2"]
            ENTRYPOINT exec top -b
            SHELL ["powershell", "-command"]
            CMD []
            """);
        var instructions = document.Stages[0].Instructions;

        var cmd = Assert.IsType<CmdInstruction>(instructions[0]);
        Assert.Equal(new[] { "executable", "param1", "param2" }, cmd.Command.Arguments);
        var entrypoint = Assert.IsType<EntrypointInstruction>(instructions[1]);
        Assert.Equal("exec top -b", entrypoint.Command.Shell);
        Assert.Equal(["powershell", "-command"], Assert.IsType<ShellInstruction>(instructions[2]).Shell);
        var empty = Assert.IsType<CmdInstruction>(instructions[3]);
        Assert.True(empty.Command.IsExec);
        Assert.Empty(empty.Command.Arguments);
    }

    [Fact]
    public void Parse_ShellNotJson_Fails()
    {
        Assert.Contains("SHELL requires the arguments to be in JSON form", Fails("FROM a\nSHELL /bin/bash -c\n").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SimpleInstructions_KeepTheirArguments()
    {
        var document = DockerfileParser.Parse("""
            FROM busybox
            WORKDIR /path/to/$DIRNAME
            USER patrick:staff
            EXPOSE 80/tcp 80/udp
            VOLUME ["/data", "/logs"]
            VOLUME /var/log /var/db
            STOPSIGNAL SIGKILL
            MAINTAINER Jane Doe <jane@example.com>
            """);
        var instructions = document.Stages[0].Instructions;

        Assert.Equal("/path/to/$DIRNAME", Assert.IsType<WorkdirInstruction>(instructions[0]).Path);
        Assert.Equal("patrick:staff", Assert.IsType<UserInstruction>(instructions[1]).User);
        Assert.Equal(["80/tcp", "80/udp"], Assert.IsType<ExposeInstruction>(instructions[2]).Ports);
        Assert.Equal(["/data", "/logs"], Assert.IsType<VolumeInstruction>(instructions[3]).Paths);
        Assert.Equal(["/var/log", "/var/db"], Assert.IsType<VolumeInstruction>(instructions[4]).Paths);
        Assert.Equal("SIGKILL", Assert.IsType<StopSignalInstruction>(instructions[5]).Signal);
        Assert.Equal("Jane Doe <jane@example.com>", Assert.IsType<MaintainerInstruction>(instructions[6]).Name);
    }

    [Theory]
    [InlineData("WORKDIR", "WORKDIR requires exactly one argument")]
    [InlineData("EXPOSE", "EXPOSE requires at least one argument")]
    [InlineData("VOLUME [\"\"]", "VOLUME specified can not be an empty string")]
    [InlineData("RUN", "RUN requires at least one argument")]
    [InlineData("FROM a b", "FROM requires either one or three arguments")]
    [InlineData("FROM a AS 1st", "invalid name for build stage")]
    public void Parse_MissingArguments_Fail(string line, string problem)
    {
        var error = Fails("FROM a\n" + line + "\n");

        Assert.StartsWith("Dockerfile parse error on line 2: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Healthcheck_AllFlagsAndForms()
    {
        var health = Single<HealthcheckInstruction>("HEALTHCHECK --interval=5m --timeout=3s --start-period=1m30s --start-interval=500ms --retries=3 \\\n  CMD curl -f http://localhost/ || exit 1");
        var exec = Single<HealthcheckInstruction>("HEALTHCHECK cmd [\"/bin/check\", \"-q\"]");
        var none = Single<HealthcheckInstruction>("HEALTHCHECK NONE");

        Assert.Equal(TimeSpan.FromMinutes(5), health.Interval);
        Assert.Equal(TimeSpan.FromSeconds(3), health.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(90), health.StartPeriod);
        Assert.Equal(TimeSpan.FromMilliseconds(500), health.StartInterval);
        Assert.Equal(3, health.Retries);
        Assert.Equal("curl -f http://localhost/ || exit 1", health.Test!.Shell);
        Assert.Equal(["/bin/check", "-q"], exec.Test!.Arguments);
        Assert.Null(exec.Interval);
        Assert.Null(none.Test);
    }

    [Theory]
    [InlineData("HEALTHCHECK --interval=5 CMD true", "not a duration")]
    [InlineData("HEALTHCHECK --timeout=10ns CMD true", "cannot be less than 1ms")]
    [InlineData("HEALTHCHECK --retries=-1 CMD true", "--retries cannot be negative")]
    [InlineData("HEALTHCHECK NONE true", "HEALTHCHECK NONE takes no arguments")]
    [InlineData("HEALTHCHECK RUN true", "Unknown type \"RUN\" in HEALTHCHECK")]
    [InlineData("HEALTHCHECK CMD", "requires a command")]
    [InlineData("HEALTHCHECK --bad=1 CMD true", "unknown flag: bad")]
    public void Parse_BadHealthcheck_Fails(string line, string problem)
    {
        Assert.Contains(problem, Fails("FROM a\n" + line + "\n").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Onbuild_KeepsTriggerAsWrittenAndParsesIt()
    {
        var onbuild = Single<OnbuildInstruction>("onbuild add . /app/src");

        Assert.Equal("add . /app/src", onbuild.TriggerText);
        Assert.Equal("ONBUILD add . /app/src", onbuild.Text);
        var add = Assert.IsType<CopyInstruction>(onbuild.Trigger);
        Assert.True(add.IsAdd);
        Assert.Equal("ADD . /app/src", add.Text);
    }

    [Theory]
    [InlineData("ONBUILD ONBUILD RUN x", "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")]
    [InlineData("ONBUILD FROM x", "FROM isn't allowed as an ONBUILD trigger")]
    [InlineData("ONBUILD maintainer me", "MAINTAINER isn't allowed as an ONBUILD trigger")]
    [InlineData("ONBUILD FOO x", "unknown instruction: FOO")]
    public void Parse_ForbiddenOnbuildTrigger_Fails(string line, string problem)
    {
        Assert.Contains(problem, Fails("FROM a\n" + line + "\n").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseTrigger_BaseImageTrigger_ParsesAndRefusesForbidden()
    {
        var run = Assert.IsType<RunInstruction>(DockerfileParser.ParseTrigger("RUN echo built", '\\'));
        var error = Assert.Throws<DockerfileSyntaxException>(() => DockerfileParser.ParseTrigger("FROM x", '\\'));

        Assert.Equal("echo built", run.Command.Shell);
        Assert.Contains("FROM isn't allowed as an ONBUILD trigger", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownInstruction_FailsNamingTheLine()
    {
        var error = Fails("FROM a\n\n# c\nRUNN echo\n");

        Assert.Equal("Dockerfile parse error on line 4: unknown instruction: RUNN", error.Message);
        Assert.Equal(4, error.Line);
    }

    [Fact]
    public void Parse_InstructionBeforeFrom_Fails()
    {
        var error = Fails("ARG A\nRUN echo\nFROM a\n");

        Assert.StartsWith("Dockerfile parse error on line 2: no build stage in current context", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateStageNamesIgnoringCase_Fail()
    {
        var error = Fails("FROM a AS build\nFROM b as BUILD\n");

        Assert.Equal("Dockerfile parse error on line 2: duplicate stage name \"build\" (first used on line 1)", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n\n")]
    [InlineData("ARG A=1\n")]
    public void Parse_NoFrom_Fails(string dockerfile)
    {
        Assert.StartsWith("Dockerfile parse error: the Dockerfile has no", Fails(dockerfile).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TooLarge_IsRefused()
    {
        var error = Fails("FROM a\n" + new string('#', DockerfileParser.MaxLength));

        Assert.Contains("larger than 4 MiB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TooLongInstruction_IsRefusedNamingTheLine()
    {
        var piece = new string('a', 1000) + " \\\n";
        var error = Fails("FROM a\nRUN " + string.Concat(Enumerable.Repeat(piece, 1100)) + "end\n");

        Assert.StartsWith("Dockerfile parse error on line 2: the instruction is longer than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SyntaxError_IsAnInvalidInputException()
    {
        Assert.IsAssignableFrom<Minato.Engine.Errors.InvalidInputException>(Fails("FROM a\nBAD\n"));
    }
}
