"""Summer workforce mechanics: attrition, hiring and costs (MODEL.md §3 summer steps 2-5)."""
