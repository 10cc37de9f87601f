app_name = "joining"
urlpatterns = []
