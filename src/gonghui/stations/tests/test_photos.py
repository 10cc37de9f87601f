"""Station photos are public: stored re-encoded without EXIF (GPS, device), upright, and within
size caps; a refused photo is a field error and nothing is stored."""

import io

import pytest
from PIL import Image

from gonghui.core.models import AuditLog
from gonghui.stations import photos
from gonghui.stations.models import StationPhoto

from .factories import make_station

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F


def jpeg_with_gps(size=(40, 20), orientation=1) -> bytes:
    image = Image.new("RGB", size, "blue")
    image.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))  # left half red
    exif = Image.Exif()
    exif[MAKE] = "SpyCam 3000"
    exif[ORIENTATION] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (33.0, 34.0, 56.0)
    gps[3] = "E"
    gps[4] = (114.0, 1.0, 2.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=95)
    return out.getvalue()


def upload(content: bytes, name="photo.jpg"):
    file = io.BytesIO(content)
    file.name = name
    return file


@pytest.fixture
def station_client(client, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(personas.yancheng_officer)
    return client, make_station(personas.yancheng), tmp_path


def test_the_fixture_photo_really_carries_gps(station_client):
    exif = Image.open(io.BytesIO(jpeg_with_gps())).getexif()
    assert exif.get_ifd(GPS_IFD)[1] == "N" and exif[MAKE] == "SpyCam 3000"


def test_a_jpeg_with_gps_exif_is_stored_without_exif(station_client):
    client, station, media = station_client
    response = client.post(f"/stations/{station.pk}/photos/", {"image": upload(jpeg_with_gps())})
    assert response.status_code == 302
    stored = (media / StationPhoto.objects.get().image.name).read_bytes()
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {} and "exif" not in image.info
    assert b"SpyCam" not in stored and b"Exif" not in stored


def test_the_exif_orientation_is_applied_before_it_is_dropped(station_client):
    client, station, media = station_client
    # Orientation 6: the camera held upright, the sensor image lying on its side.
    content = jpeg_with_gps(size=(40, 20), orientation=6)
    client.post(f"/stations/{station.pk}/photos/", {"image": upload(content)})
    image = Image.open(media / StationPhoto.objects.get().image.name)
    assert image.size == (20, 40)
    red, _green, blue = image.convert("RGB").getpixel((10, 5))
    assert red > 200 and blue < 60  # the red half is now on top


def test_the_api_upload_is_stripped_too(api, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    station = make_station(personas.yancheng)
    client = api(personas.yancheng_officer).client
    response = client.post(
        f"/api/stations/{station.pk}/photos",
        {"image": upload(jpeg_with_gps()), "caption": "门口"},
        headers=api(personas.yancheng_officer).headers,
    )
    assert response.status_code == 201
    assert response.json()["url"].startswith("/media/stations/")
    stored = (tmp_path / StationPhoto.objects.get().image.name).read_bytes()
    assert b"SpyCam" not in stored and dict(Image.open(io.BytesIO(stored)).getexif()) == {}


def test_a_photo_over_the_byte_cap_is_a_field_error_and_nothing_is_stored(station_client):
    client, station, media = station_client
    # A real JPEG padded past 10 MB (decoders ignore what follows the image).
    content = jpeg_with_gps() + b"\0" * photos.MAX_BYTES
    response = client.post(f"/stations/{station.pk}/photos/", {"image": upload(content)})
    assert response.status_code == 422
    assert 'data-field="image"' in response.content.decode()
    assert "MB" in response.content.decode()
    assert not StationPhoto.objects.exists()
    assert not AuditLog.objects.filter(changes__has_key="photos").exists()
    assert not (media / "stations").exists() or not any((media / "stations").rglob("*.*"))


def test_a_photo_over_the_pixel_cap_is_refused_through_the_api(api, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    station = make_station(personas.yancheng)
    out = io.BytesIO()
    Image.new("L", (8000, 5001)).save(out, "PNG")  # 40,008,000 pixels, a small file
    officer = api(personas.yancheng_officer)
    response = officer.client.post(
        f"/api/stations/{station.pk}/photos",
        {"image": upload(out.getvalue(), "huge.png")},
        headers=officer.headers,
    )
    assert response.status_code == 422
    assert "8000×5001" in response.json()["errors"]["image"][0]
    assert not StationPhoto.objects.exists()
    assert not (tmp_path / "stations").exists()


def test_a_large_photo_is_scaled_down_and_a_transparent_one_stays_png(station_client):
    client, station, media = station_client
    big = io.BytesIO()
    Image.new("RGB", (3000, 1500), "green").save(big, "JPEG")
    clear = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(clear, "PNG")
    client.post(f"/stations/{station.pk}/photos/", {"image": upload(big.getvalue())})
    client.post(f"/stations/{station.pk}/photos/", {"image": upload(clear.getvalue(), "c.png")})
    first, second = StationPhoto.objects.order_by("pk")
    assert Image.open(media / first.image.name).size == (photos.MAX_EDGE, photos.MAX_EDGE // 2)
    assert Image.open(media / second.image.name).format == "PNG"
    assert second.image.name.endswith(".png")
