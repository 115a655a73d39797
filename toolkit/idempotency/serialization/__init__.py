"""How idempotent results are stored and rebuilt: serializers and the JSON codec."""
