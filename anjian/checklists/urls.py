from . import views

app_name = "checklists"

urlpatterns = [*views.urlpatterns]
