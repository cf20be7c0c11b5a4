"""Known points, from the INEI populated places and the published boundaries."""
from django.contrib.gis.geos import Point

# Capitals from the INEI populated places (longitude, latitude).
PICHARI = Point(-73.8290288969999, -12.5195740239999, srid=4326)  # 080910, Cusco
SAN_MIGUEL_DEL_ENE = Point(-74.027089694, -12.186018616, srid=4326)  # 120609, Junín
LIMA = Point(-77.0282, -12.0432, srid=4326)  # Plaza Mayor, 150101
PACIFIC = Point(-80.0, -12.0, srid=4326)  # 300 km off the coast
