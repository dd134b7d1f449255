"""Read an MP4/MOV's stream summary straight from its `moov` box, without starting ffmpeg.

Starting ffmpeg to describe a file costs ~10 ms plus ~2 ms per file; an export of many generated clips
asks that of every clip before it can choose the stream-copy path. Our clips (and most H.264/AAC MP4s) say
everything needed in a few KB of header: codec, profile, chroma format, size, frame count and rate, audio
format. Anything unusual (other codecs, variable frame rate, QuickTime sound v1/v2, fragmented files)
returns None, and the caller asks ffmpeg instead.
"""
from __future__ import annotations

import struct
from pathlib import Path

from .media import AudioStream, MediaInfo, VideoStream

_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl"}
_H264_PROFILES = {66: "Baseline", 77: "Main", 88: "Extended", 100: "High", 110: "High 10", 122: "High 4:2:2",
                  244: "High 4:4:4 Predictive"}
_PIX_FMTS = {(1, 0): "yuv420p", (2, 0): "yuv422p", (3, 0): "yuv444p", (1, 2): "yuv420p10le"}
_MAX_MOOV = 64 * 1024 * 1024


def read_mp4_info(path: Path) -> MediaInfo | None:
    """The stream summary of an MP4/MOV from its header, or None when only ffmpeg can tell."""
    try:
        moov = _find_moov(path)
        if moov is None:
            return None
        return _summary(path, moov)
    except (OSError, struct.error, ValueError, IndexError, KeyError, ZeroDivisionError):
        return None


def _find_moov(path: Path) -> bytes | None:
    with open(path, "rb") as f:
        size = f.seek(0, 2)
        pos = 0
        while pos + 8 <= size:
            f.seek(pos)
            head = f.read(16)
            length, kind = struct.unpack(">I4s", head[:8])
            header = 8
            if length == 1:
                length, header = struct.unpack(">Q", head[8:16])[0], 16
            elif length == 0:
                length = size - pos
            if length < header:
                return None
            if kind == b"moov":
                if length > _MAX_MOOV:
                    return None
                f.seek(pos + header)
                return f.read(length - header)
            if kind == b"moof":
                return None  # fragmented: the frames are described elsewhere
            pos += length
    return None


def _boxes(data: bytes) -> list[tuple[bytes, bytes]]:
    out, pos = [], 0
    while pos + 8 <= len(data):
        length, kind = struct.unpack_from(">I4s", data, pos)
        header = 8
        if length == 1:
            length, header = struct.unpack_from(">Q", data, pos + 8)[0], 16
        elif length == 0:
            length = len(data) - pos
        if length < header or pos + length > len(data):
            raise ValueError("truncated box")
        out.append((kind, data[pos + header:pos + length]))
        pos += length
    return out


def _tree(data: bytes) -> dict[bytes, object]:
    """Child boxes by type (the first of each type), container boxes expanded."""
    found: dict[bytes, object] = {}
    for kind, body in _boxes(data):
        if kind not in found:
            found[kind] = _tree(body) if kind in _CONTAINERS else body
    return found


def _summary(path: Path, moov: bytes) -> MediaInfo | None:
    info = MediaInfo(path=path, container="mov", duration=0.0, start=0.0)
    mvhd = next((body for kind, body in _boxes(moov) if kind == b"mvhd"), None)
    if mvhd is None:
        return None
    version = mvhd[0]
    timescale, duration = (struct.unpack_from(">IQ", mvhd, 20) if version == 1 else struct.unpack_from(">II", mvhd, 12))
    info.duration = duration / timescale
    for kind, body in _boxes(moov):
        if kind != b"trak":
            continue
        mdia = _tree(body)[b"mdia"]
        handler = mdia[b"hdlr"][8:12]
        stbl = mdia[b"minf"][b"stbl"]
        entry_kind, entry = _boxes(stbl[b"stsd"][8:])[0]
        if handler == b"vide" and info.video is None:
            video = _video(entry_kind, entry, mdia[b"mdhd"], stbl)
            if video is None:
                return None
            info.video, info.frame_count = video
            info.keyframes = _keyframes(stbl, info.frame_count)
            info.reordered = b"ctts" in stbl  # composition offsets: display order differs from decode order
        elif handler == b"soun" and info.audio is None:
            info.audio = _audio(entry_kind, entry)
            if info.audio is None:
                return None
    if info.video is None and info.audio is None:
        return None
    return info


def _keyframes(stbl: dict, frames: int) -> frozenset[int]:
    stss = stbl.get(b"stss")
    if stss is None:
        return frozenset(range(frames))  # no sync-sample table: every frame is a keyframe
    count = struct.unpack_from(">I", stss, 4)[0]
    return frozenset(n - 1 for n in struct.unpack_from(f">{count}I", stss, 8))


def _video(kind: bytes, entry: bytes, mdhd: bytes, stbl: dict) -> tuple[VideoStream, int] | None:
    if kind != b"avc1":
        return None
    width, height = struct.unpack_from(">HH", entry, 24)
    avcc = dict(_boxes(entry[78:])).get(b"avcC")
    if avcc is None:
        return None
    profile_idc = avcc[1]
    pix_fmt = "yuv420p" if profile_idc in (66, 77, 88) else _high_pix_fmt(avcc)
    if pix_fmt is None:
        return None
    timescale = struct.unpack_from(">I", mdhd, 20 if mdhd[0] == 1 else 12)[0]
    stts = stbl[b"stts"]
    entries = struct.unpack_from(">I", stts, 4)[0]
    deltas = [struct.unpack_from(">II", stts, 8 + 8 * i) for i in range(entries)]
    main_delta = max(deltas, key=lambda d: d[0])[1] if deltas else 0
    if not main_delta or any(d != main_delta for n, d in deltas[:-1]):
        return None  # variable frame rate: let ffmpeg judge
    frames = sum(n for n, _ in deltas)
    stsz = stbl[b"stsz"]
    if struct.unpack_from(">I", stsz, 8)[0] != frames:
        return None
    fps = timescale / main_delta
    profile = _H264_PROFILES.get(profile_idc, str(profile_idc))
    if profile_idc == 66 and avcc[2] & 0x40:  # constraint_set1_flag, as ffmpeg names it
        profile = "Constrained Baseline"
    return VideoStream(codec="h264", profile=profile, pix_fmt=pix_fmt,
                       width=width, height=height, fps=fps), frames


def _high_pix_fmt(avcc: bytes) -> str | None:
    # High profiles append chroma format and bit depth after the parameter sets.
    pos = 5
    count = avcc[pos] & 0x1F
    pos += 1
    for _ in range(count):
        pos += 2 + struct.unpack_from(">H", avcc, pos)[0]
    count = avcc[pos]
    pos += 1
    for _ in range(count):
        pos += 2 + struct.unpack_from(">H", avcc, pos)[0]
    if pos + 3 > len(avcc):
        return None
    return _PIX_FMTS.get((avcc[pos] & 0x03, avcc[pos + 1] & 0x07))


def _audio(kind: bytes, entry: bytes) -> AudioStream | None:
    if kind != b"mp4a" or struct.unpack_from(">H", entry, 8)[0] != 0:
        return None  # QuickTime sound v1/v2 lay the fields out differently
    channels = struct.unpack_from(">H", entry, 16)[0]
    rate = struct.unpack_from(">I", entry, 24)[0] >> 16
    esds = dict(_boxes(entry[28:])).get(b"esds")
    if esds is None or esds[4] != 0x03:
        return None
    pos = _skip_length(esds, 5)  # ES_Descriptor: ES_ID, flags, optional fields, then its children
    flags = esds[pos + 2]
    pos += 3 + (2 if flags & 0x80 else 0) + (2 if flags & 0x20 else 0)
    if flags & 0x40:
        pos += 1 + esds[pos]
    if esds[pos] != 0x04:  # DecoderConfigDescriptor
        return None
    pos = _skip_length(esds, pos + 1)
    if esds[pos] != 0x40:  # objectTypeIndication 0x40: MPEG-4 audio (AAC)
        return None
    return AudioStream(codec="aac", sample_rate=rate, channels=channels)


def _skip_length(data: bytes, pos: int) -> int:
    """Past a descriptor's length field (1-4 bytes, 7 bits each, high bit = more)."""
    for _ in range(4):
        more = data[pos] & 0x80
        pos += 1
        if not more:
            break
    return pos
