"""Pages anyone may read without logging in (一公开)."""

from . import views_public

app_name = "public"

urlpatterns = [*views_public.urlpatterns]
