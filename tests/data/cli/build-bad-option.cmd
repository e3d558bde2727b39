build --allow-everything
