"""Compare two screenshots pixel by pixel (Pillow): how much of what carries ink differs.

A pixel carries ink when any channel is below ``INK_BELOW`` in either image: text, rules, images,
coloured backgrounds; not the white page nor the faint anti-aliased fringe around glyphs. A pixel
differs when any channel differs by more than ``TOLERANCE`` (rendering jitter stays under that).
The ratio is differing ink pixels over ink pixels, so a mostly white page is not flattered by its
white space: 0.0 is the same picture, and two unrelated pages score far above a shifted line.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from pathlib import Path

from PIL import Image, ImageChops, ImageOps

INK_BELOW = 235
TOLERANCE = 16
ON, OFF = 255, 0
FADE = [255 - (255 - v) // 4 for v in range(256)]  # the diff image's backdrop: a pale copy
DIFF_COLOUR = (255, 0, 0)


@dataclass(frozen=True)
class PixelDiff:
    ink: int  # pixels that carry ink in either image
    differing: int  # of those, the ones that differ

    @property
    def ratio(self) -> float:
        return self.differing / self.ink if self.ink else 0.0


def any_band(image: Image.Image, table: list[int]) -> Image.Image:
    """An ``L`` mask: ON where ``table`` maps any band's value to ON."""
    return reduce(ImageChops.lighter, [band.point(table) for band in image.split()])


def ink_mask(image: Image.Image) -> Image.Image:
    return any_band(image, [ON if v < INK_BELOW else OFF for v in range(256)])


def differing_mask(a: Image.Image, b: Image.Image) -> Image.Image:
    table = [ON if v > TOLERANCE else OFF for v in range(256)]
    return any_band(ImageChops.difference(a, b), table)


def load_pair(a: Path, b: Path) -> tuple[Image.Image, Image.Image]:
    """Both as RGB on a white canvas of the larger size (screenshots of one viewport match)."""
    with Image.open(a) as first, Image.open(b) as second:
        size = (max(first.width, second.width), max(first.height, second.height))
        images = []
        for image in (first, second):
            canvas = Image.new("RGB", size, "white")
            canvas.paste(image.convert("RGB"), (0, 0))
            images.append(canvas)
    return images[0], images[1]


def count_on(mask: Image.Image) -> int:
    return mask.histogram()[ON]


def compare_images(ours: Path, theirs: Path, diff_out: Path | None = None) -> PixelDiff:
    """Compare two PNGs; with ``diff_out``, write a pale copy of ``theirs`` with differences red."""
    a, b = load_pair(ours, theirs)
    ink = ImageChops.lighter(ink_mask(a), ink_mask(b))
    hits = ImageChops.multiply(ink, differing_mask(a, b))
    if diff_out is not None:
        backdrop = ImageOps.grayscale(b).point(FADE).convert("RGB")
        red = Image.new("RGB", backdrop.size, DIFF_COLOUR)
        Image.composite(red, backdrop, hits).save(diff_out)
    return PixelDiff(ink=count_on(ink), differing=count_on(hits))
