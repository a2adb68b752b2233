"""Split article texts into chunks with exact offsets (the only langchain_text_splitters importer).

Every chunk satisfies `article.text[chunk.start:chunk.end] == chunk.text`, and carries the dates
its span mentions (extracted once per article, resolved against the published date). Chunk ids
derive from article id + position + content hash, so an unchanged article yields the same ids and
a changed one yields new ids (its old chunks are then removed by the store). No embedding here.
"""

from __future__ import annotations

from bisect import bisect_left

from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.dates import extract_date_mentions
from assistant.models import Article, Chunk, sha1_hex
from assistant.settings import Settings

# Paragraphs, lines, sentence ends, clauses, words: split at the largest unit that fits.
_SEPARATORS = [
    r"\n\s*\n",
    r"\n",
    r"(?<=[.!?][\"'”’)\]])\s+",
    r"(?<=[.!?])\s+",
    r"(?<=[;:])\s+",
    r"(?<=,)\s+",
    r"\s+",
    "",
]


class Chunker:
    def __init__(self, chunk_size: int, chunk_overlap: int) -> None:
        if chunk_overlap >= chunk_size:
            raise ValueError(f"chunk overlap ({chunk_overlap}) must be below size ({chunk_size})")
        self.chunk_size = chunk_size
        self.chunk_overlap = chunk_overlap
        self._splitter = RecursiveCharacterTextSplitter(
            chunk_size=chunk_size,
            chunk_overlap=chunk_overlap,
            separators=_SEPARATORS,
            is_separator_regex=True,
            keep_separator=True,
            strip_whitespace=True,
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> Chunker:
        """The chunker the settings describe (the runtime's; stores are keyed by its config)."""
        return cls(settings.chunk_size, settings.chunk_overlap)

    @property
    def config(self) -> str:
        """Identity of the chunking, for cache keys (eval stores are reused only if it matches)."""
        return f"recursive-v2:{self.chunk_size}:{self.chunk_overlap}"

    def split(self, article: Article) -> list[Chunk]:
        text = article.text
        # Sorted by start, so each chunk looks only at the mentions starting inside it: scanning
        # all of them per chunk made chunking quadratic (10 MB of text: 53 s).
        mentions = sorted(extract_date_mentions(text, article.published_at), key=lambda m: m.start)
        starts = [m.start for m in mentions]
        chunks: list[Chunk] = []
        cursor = fallback = 0
        for piece in self._splitter.split_text(text):
            # A chunk overlaps the previous one by at most `chunk_overlap` characters, so look
            # there first: searching from just after the previous start put chunks of repetitive
            # text ("xxxx...", repeated lines) at an earlier copy, far from their real place.
            start = text.find(piece, cursor)
            if start < 0:
                start = text.find(piece, fallback)
            if start < 0:  # the splitter only trims and cuts, so this cannot happen; guard anyway
                raise AssertionError(f"chunk not found in article {article.id}")
            end = start + len(piece)
            index = len(chunks)
            inside = mentions[bisect_left(starts, start) : bisect_left(starts, end)]
            dates = sorted({m.value for m in inside if m.end <= end})
            chunks.append(
                Chunk(
                    id=f"{article.id}:{index}:{sha1_hex(piece)[:8]}",
                    article_id=article.id,
                    index=index,
                    start=start,
                    end=end,
                    text=piece,
                    dates=dates,
                )
            )
            fallback = start + 1
            cursor = max(fallback, end - self.chunk_overlap)
        return chunks
