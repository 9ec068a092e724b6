"""pixels.py: the share of ink pixels that differ between two screenshots (no browser needed)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from .pixels import INK_BELOW, TOLERANCE, compare_images


def picture(path: Path, *boxes: tuple[tuple[int, int, int, int], tuple[int, int, int]]) -> Path:
    """A 100x50 white PNG with filled rectangles ``(box, colour)``."""
    image = Image.new("RGB", (100, 50), "white")
    draw = ImageDraw.Draw(image)
    for box, colour in boxes:
        draw.rectangle(box, fill=colour)
    image.save(path)
    return path


BLACK = (0, 0, 0)
TEXT_BOX = ((10, 10, 19, 19), BLACK)  # 100 pixels


def test_the_same_picture_differs_nowhere(tmp_path: Path) -> None:
    a = picture(tmp_path / "a.png", TEXT_BOX)
    result = compare_images(a, a, tmp_path / "diff.png")
    assert (result.ink, result.differing, result.ratio) == (100, 0, 0.0)
    assert (tmp_path / "diff.png").is_file()


def test_ink_is_counted_in_either_picture(tmp_path: Path) -> None:
    a = picture(tmp_path / "a.png", TEXT_BOX)
    b = picture(tmp_path / "b.png", ((10, 10, 19, 19), BLACK), ((50, 10, 59, 19), BLACK))
    result = compare_images(a, b)
    assert (result.ink, result.differing) == (200, 100)
    assert result.ratio == 0.5


def test_near_white_and_small_shifts_are_not_differences(tmp_path: Path) -> None:
    faint = (INK_BELOW, INK_BELOW, 255)  # no channel below the threshold: no ink
    a = picture(tmp_path / "a.png", TEXT_BOX, ((50, 10, 59, 19), faint))
    jitter = (TOLERANCE, TOLERANCE, 0)  # within tolerance on every channel
    b = picture(tmp_path / "b.png", ((10, 10, 19, 19), jitter))
    result = compare_images(a, b)
    assert (result.ink, result.differing) == (100, 0)


def test_a_colour_change_counts(tmp_path: Path) -> None:
    a = picture(tmp_path / "a.png", TEXT_BOX)
    b = picture(tmp_path / "b.png", ((10, 10, 19, 19), (0, 0, TOLERANCE + 1)))
    assert compare_images(a, b).ratio == 1.0


def test_blank_pages_have_no_ink_and_no_difference(tmp_path: Path) -> None:
    a = picture(tmp_path / "a.png")
    assert compare_images(a, a).ratio == 0.0


def test_sizes_that_differ_are_padded_with_white(tmp_path: Path) -> None:
    a = picture(tmp_path / "a.png", TEXT_BOX)
    Image.new("RGB", (100, 60), "white").save(tmp_path / "tall.png")
    with Image.open(tmp_path / "tall.png") as tall:
        ImageDraw.Draw(tall).rectangle((10, 10, 19, 19), fill=BLACK)
        tall.save(tmp_path / "b.png")
    assert compare_images(a, tmp_path / "b.png").ratio == 0.0


def test_the_diff_image_marks_differences_red_on_a_pale_copy(tmp_path: Path) -> None:
    a = picture(tmp_path / "a.png", TEXT_BOX)
    b = picture(tmp_path / "b.png", ((10, 10, 19, 19), BLACK), ((50, 10, 59, 19), BLACK))
    compare_images(a, b, tmp_path / "diff.png")
    with Image.open(tmp_path / "diff.png") as diff:
        assert diff.getpixel((55, 15)) == (255, 0, 0)  # only in b: differs
        assert diff.getpixel((15, 15)) == (192, 192, 192)  # in both: b's black, faded
        assert diff.getpixel((90, 40)) == (255, 255, 255)
