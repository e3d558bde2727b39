build --allow-read usr/lib
