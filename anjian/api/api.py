from ninja import NinjaAPI

api = NinjaAPI(title="安监 anjian API", version="1", urls_namespace="api")
