import pytest

from units.text import fold


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Ngô Quyền", "ngo quyen"),
        ("Đường", "duong"),
        ("đường", "duong"),
        ("  Trường   Mầm non  ", "truong mam non"),
        ("Hoà Bình", "hoa binh"),
        ("Hòa Bình", "hoa binh"),
        ("KHƯƠNG ĐÌNH", "khuong dinh"),
    ],
)
def test_it_folds_vietnamese(text, folded):
    assert fold(text) == folded
