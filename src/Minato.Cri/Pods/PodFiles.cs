using System.Text;

namespace Minato.Cri.Pods;

/// <summary>The files a pod's containers mount: /etc/hostname, /etc/hosts and /etc/resolv.conf.</summary>
public static class PodFiles
{
    /// <summary>Largest host resolv.conf copied into a pod.</summary>
    public const int MaxResolvConf = 64 * 1024;

    /// <summary>resolv.conf from the pod's DNS settings, or the host's file when the pod names none.</summary>
    public static string ResolvConf(DnsSettings dns, string hostResolvConf)
    {
        if (dns.IsEmpty)
        {
            return hostResolvConf;
        }

        var text = new StringBuilder();
        if (dns.Searches.Count > 0)
        {
            text.Append("search ").AppendJoin(' ', dns.Searches).Append('\n');
        }

        foreach (var server in dns.Servers)
        {
            text.Append("nameserver ").Append(server).Append('\n');
        }

        if (dns.Options.Count > 0)
        {
            text.Append("options ").AppendJoin(' ', dns.Options).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>/etc/hosts with the loopback names and the pod's own addresses for its hostname.</summary>
    public static string Hosts(string hostname, IEnumerable<string> podIps)
    {
        var text = new StringBuilder();
        text.Append("127.0.0.1\tlocalhost\n");
        text.Append("::1\tlocalhost ip6-localhost ip6-loopback\n");
        text.Append("fe00::0\tip6-localnet\n");
        text.Append("fe00::0\tip6-mcastprefix\n");
        text.Append("fe00::1\tip6-allnodes\n");
        text.Append("fe00::2\tip6-allrouters\n");
        foreach (var ip in podIps)
        {
            text.Append(ip).Append('\t').Append(hostname).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Reads the host's resolv.conf with a size cap; an absent file gives an empty one.</summary>
    public static string ReadHostResolvConf(string path = "/etc/resolv.conf")
    {
        try
        {
            using var stream = File.OpenRead(path);
            var buffer = new byte[MaxResolvConf];
            var length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            return Encoding.UTF8.GetString(buffer, 0, length);
        }
        catch (FileNotFoundException)
        {
            return string.Empty;
        }
    }
}
