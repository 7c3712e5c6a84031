DROP TABLE order_events;
DROP TABLE login_failures;
DROP TABLE admins;
