DROP TABLE secrets;
DROP TABLE sessions;
