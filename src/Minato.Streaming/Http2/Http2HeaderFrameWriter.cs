using System.Buffers;

namespace Minato.Streaming.Http2;

/// <summary>Writes one header block as a HEADERS frame followed by as many CONTINUATION frames as it needs.</summary>
internal static class Http2HeaderFrameWriter
{
    /// <summary>
    /// Keeps END_STREAM and PRIORITY (with the 5 <paramref name="priority"/> octets) from
    /// <paramref name="headersFlags"/>, drops PADDED and sets END_HEADERS on the last frame. No frame
    /// payload exceeds <paramref name="maxFrameSize"/>, by default the size every peer accepts.
    /// </summary>
    public static void Write(
        IBufferWriter<byte> writer,
        int streamId,
        byte headersFlags,
        ReadOnlySpan<byte> priority,
        ReadOnlySpan<byte> block,
        int maxFrameSize = Http2FrameHeader.MinMaxFrameSize)
    {
        var flags = (byte)(headersFlags & (Http2FrameHeader.FlagEndStream | Http2FrameHeader.FlagPriority));
        var prefix = (flags & Http2FrameHeader.FlagPriority) != 0 ? priority : [];
        var type = Http2FrameHeader.TypeHeaders;
        do
        {
            var fragmentLength = Math.Min(block.Length, maxFrameSize - prefix.Length);
            if (fragmentLength == block.Length)
            {
                flags |= Http2FrameHeader.FlagEndHeaders;
            }

            var payloadLength = prefix.Length + fragmentLength;
            var span = writer.GetSpan(Http2FrameHeader.Size + payloadLength);
            new Http2FrameHeader(payloadLength, type, flags, streamId).Write(span);
            prefix.CopyTo(span[Http2FrameHeader.Size..]);
            block[..fragmentLength].CopyTo(span[(Http2FrameHeader.Size + prefix.Length)..]);
            writer.Advance(Http2FrameHeader.Size + payloadLength);

            block = block[fragmentLength..];
            prefix = [];
            type = Http2FrameHeader.TypeContinuation;
            flags = 0;
        }
        while (!block.IsEmpty);
    }
}
