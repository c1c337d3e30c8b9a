#!/usr/bin/python3
"""Writes a rosbag of VLP-16-sized sensor_msgs/PointCloud2 messages for tests/realros/run_study.sh.

Every message has the layout of the velodyne driver's clouds (x, y, z, intensity as float32, ring as
uint16, padded to 32-byte points) and the size the paper measured (888,576 bytes of point data by
default: 27,768 points), stamped at the VLP-16's rate so that `rosbag play` (roscpp) publishes them
at 9.92 Hz. The point values are zeros: ROS sends them uncompressed, so only their size matters.
"""
import argparse
import sys

import genpy
import rosbag
from sensor_msgs.msg import PointCloud2, PointField
from std_msgs.msg import Empty


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out", help="bag file to write")
    p.add_argument("--messages", type=int, default=50, help="clouds in the bag (rosbag play -l loops it)")
    p.add_argument("--hz", type=float, default=9.92, help="publication rate")
    p.add_argument("--bytes", type=int, default=888576, help="point data per cloud (a multiple of 32)")
    p.add_argument("--topic", default="/velodyne_points")
    a = p.parse_args()
    if a.messages < 1 or a.hz <= 0 or a.bytes < 32 or a.bytes % 32:
        print(f"make_lidar_bag.py: need messages >= 1, hz > 0 and bytes a positive multiple of 32 "
              f"(got {a.messages}, {a.hz}, {a.bytes})", file=sys.stderr)
        return 2
    points = a.bytes // 32
    fields = [PointField(name=n, offset=o, datatype=PointField.FLOAT32, count=1)
              for n, o in (("x", 0), ("y", 4), ("z", 8), ("intensity", 16))]
    fields.append(PointField(name="ring", offset=20, datatype=PointField.UINT16, count=1))
    data = bytes(a.bytes)
    with rosbag.Bag(a.out, "w") as bag:
        for i in range(a.messages):
            t = genpy.Time.from_sec(1.0 + i / a.hz)
            msg = PointCloud2()
            msg.header.seq = i
            msg.header.stamp = t
            msg.header.frame_id = "velodyne"
            msg.height, msg.width = 1, points
            msg.fields = fields
            msg.is_bigendian = False
            msg.point_step, msg.row_step = 32, a.bytes
            msg.is_dense = True
            msg.data = data
            bag.write(a.topic, msg, t)
        # `rosbag play -l` starts over right after the last message: an empty message one period
        # later, on a topic nobody subscribes to, keeps the loop's period at messages / hz.
        bag.write(a.topic + "_bag_end", Empty(), genpy.Time.from_sec(1.0 + a.messages / a.hz))
    return 0


if __name__ == "__main__":
    sys.exit(main())
