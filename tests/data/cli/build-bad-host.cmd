build --allow-net-out example.com:443
