app_name = "aid"
urlpatterns = []
