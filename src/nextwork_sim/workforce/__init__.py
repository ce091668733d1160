"""Summer workforce mechanics: attrition, hiring and costs (docs/odd.md §3.9–§3.12)."""
