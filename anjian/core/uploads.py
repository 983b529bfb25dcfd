"""Checked uploads: only real images, only up to the configured size."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from .models import Attachment

IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
# A small file can claim a huge canvas (a "decompression bomb": a PNG header of 30000×30000 is a few
# bytes, its pixels 2.7 GB), and thumbnails and the PDF bulletins decode photos. 100 megapixels is
# above any phone camera's usual output. PIL's own guard is set to the same figure so that it never
# warns about files we accept, and raises (DecompressionBombError) only above twice the limit.
MAX_IMAGE_PIXELS = 100_000_000
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS


def check_image(upload):
    """Raise ValidationError naming the file unless it is an image within the size limit."""
    name = getattr(upload, "name", "") or _("上传文件")
    limit = settings.MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("文件“%(name)s”过大（%(size).1f MB），上限为 %(limit).0f MB")
            % {"name": name, "size": upload.size / 1048576, "limit": limit / 1048576}
        )
    if upload.size == 0:
        raise ValidationError(_("文件“%(name)s”是空文件") % {"name": name})
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            width, height = image.size  # from the header: nothing is decoded yet
            if width * height > MAX_IMAGE_PIXELS:
                raise Image.DecompressionBombError(f"{width}x{height}")
            image.verify()
            fmt = image.format
    except Image.DecompressionBombError:
        raise ValidationError(
            _("文件“%(name)s”的图片尺寸过大，上限为 %(limit)d 万像素")
            % {"name": name, "limit": MAX_IMAGE_PIXELS // 10000}
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("文件“%(name)s”不是可识别的图片（支持 JPG、PNG、WEBP、GIF）") % {"name": name}
        ) from None
    finally:
        upload.seek(0)
    if fmt not in IMAGE_FORMATS:
        raise ValidationError(_("文件“%(name)s”的图片格式 %(fmt)s 不受支持") % {"name": name, "fmt": fmt})
    return IMAGE_FORMATS[fmt]


def save_images(uploads, user):
    """Check every upload first, then store them all: one bad file stores none."""
    content_types = [check_image(upload) for upload in uploads]
    return [
        Attachment.objects.create(
            file=upload,
            original_name=(getattr(upload, "name", "") or "photo")[:200],
            content_type=content_type,
            size=upload.size,
            uploaded_by=user if getattr(user, "is_authenticated", False) else None,
        )
        for upload, content_type in zip(uploads, content_types, strict=True)
    ]
