"""Pages of 考实绩 / 用实绩: thin views over access, selectors and services."""
